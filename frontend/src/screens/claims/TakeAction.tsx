// Take Action (seed 004, steps 4–10): Submit Supporting Documentation, Respond to Request for Information
// (with its four subtopics) and File a Dispute (with the on-behalf-of picker where the region has one),
// each with a CRM ID, attachments checked before upload, and progress while they upload.
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import type { DocumentNode } from "graphql";
import { useMutation } from "urql";

import {
  type ClaimAction,
  type DisputeInput,
  FileDisputeDocument,
  type FileDisputeMutation,
  type RequestForInformationResponseInput,
  RespondToRequestForInformationDocument,
  type RespondToRequestForInformationMutation,
  type RfiSubtopic,
  SubmitSupportingDocumentationDocument,
  type SubmitSupportingDocumentationMutation,
  type SupportingDocumentationInput,
  type TakeActionClaimFragment,
  type TakeActionOutcomeFragment,
} from "../../graphql/generated/graphql";
import { gatewayFetch, uploadTransport } from "../../graphql/transport";
import { Alert, Dialog, RFI_SUBTOPICS, TextArea, TextField, UserErrors, fieldError, fileSize } from "../../ui";
import { ACCEPT, MAX_FILES, attachmentProblem } from "./attachments";
import { type Provider, ProviderPicker } from "./ProviderPicker";

export const ACTION_TITLES: Record<ClaimAction, string> = {
  SUBMIT_SUPPORTING_DOCUMENTATION: "Submit Supporting Documentation",
  RESPOND_TO_REQUEST_FOR_INFORMATION: "Respond to Request for Information",
  FILE_DISPUTE: "File a Dispute",
};

const ACTION_INTROS: Record<ClaimAction, string> = {
  SUBMIT_SUPPORTING_DOCUMENTATION:
    "Document additional details about the original claim submission. You can do this proactively.",
  RESPOND_TO_REQUEST_FOR_INFORMATION: "Send the information Kaiser Permanente requested about this claim.",
  FILE_DISPUTE: "Start the dispute (appeal) process for this claim.",
};

// One form sends any of the three mutations: each answers with the same TakeActionOutcome fragment.
const DOCUMENTS: Record<ClaimAction, DocumentNode> = {
  SUBMIT_SUPPORTING_DOCUMENTATION: SubmitSupportingDocumentationDocument,
  RESPOND_TO_REQUEST_FOR_INFORMATION: RespondToRequestForInformationDocument,
  FILE_DISPUTE: FileDisputeDocument,
};
type TakeActionMutation =
  | SubmitSupportingDocumentationMutation
  | RespondToRequestForInformationMutation
  | FileDisputeMutation;
type TakeActionInput = SupportingDocumentationInput | RequestForInformationResponseInput | DisputeInput;

/** The outcome, whichever of the three mutations answered. */
function outcomeOf(data: TakeActionMutation): TakeActionOutcomeFragment {
  if ("submitSupportingDocumentation" in data) return data.submitSupportingDocumentation;
  if ("respondToRequestForInformation" in data) return data.respondToRequestForInformation;
  return data.fileDispute;
}

interface ChosenFile {
  file: File;
  problem: string | null;
}

/** 128 random bits (crypto.getRandomValues works outside secure contexts too, unlike randomUUID). */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export interface Sent {
  action: ClaimAction;
  payload: TakeActionOutcomeFragment;
}

export function TakeActionForm({
  claim,
  action,
  onClose,
  onSent,
}: {
  claim: TakeActionClaimFragment;
  action: ClaimAction;
  onClose: () => void;
  onSent: (sent: Sent) => void;
}) {
  const fileInputId = useId();
  const [body, setBody] = useState("");
  const [crmId, setCrmId] = useState("");
  const [subtopic, setSubtopic] = useState<RfiSubtopic | "">("");
  const [onBehalfOf, setOnBehalfOf] = useState<Provider | null>(null);
  const [files, setFiles] = useState<ChosenFile[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  // One key per opened form: sending twice (a double click, a retry) files the message once.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [result, submit] = useMutation<TakeActionMutation, { input: TakeActionInput }>(DOCUMENTS[action]);
  const payload = result.data ? outcomeOf(result.data) : undefined;
  const userErrors = payload?.userErrors ?? [];
  const picker = action === "FILE_DISPUTE" && claim.region.onBehalfOfProviderPicker;
  // A refusal shows at the top of a long window: bring it into view, and to a screen reader's attention.
  const problemsBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (userErrors.length > 0 || result.error) problemsBox.current?.focus();
  }, [userErrors.length, result.error]);
  const title = ACTION_TITLES[action];

  const choose = async (chosen: FileList | null) => {
    const added = await Promise.all(
      Array.from(chosen ?? []).map(async (file) => ({ file, problem: await attachmentProblem(file) })),
    );
    setFiles((current) => [...current, ...added]);
  };

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const absent = [
      ...(body.trim() ? [] : ["body"]),
      ...(action === "RESPOND_TO_REQUEST_FOR_INFORMATION" && !subtopic ? ["subtopic"] : []),
    ];
    setMissing(absent);
    if (absent.length > 0 || files.some((chosen) => chosen.problem) || files.length > MAX_FILES) return;
    const message: SupportingDocumentationInput = {
      claimId: claim.id,
      body: body.trim(),
      crmId: crmId.trim() || null,
      idempotencyKey,
      ...(files.length > 0 ? { attachments: files.map((chosen) => chosen.file) } : {}),
    };
    let input: TakeActionInput = message;
    if (action === "RESPOND_TO_REQUEST_FOR_INFORMATION" && subtopic) input = { ...message, subtopic };
    if (picker && onBehalfOf) input = { ...message, onBehalfOfProviderId: onBehalfOf.id };
    setProgress(files.length > 0 ? 0 : null);
    const answer = await submit(
      { input },
      { fetch: gatewayFetch(uploadTransport((sent, total) => setProgress(Math.round((sent / total) * 100)))) },
    );
    setProgress(null);
    const sent = answer.data ? outcomeOf(answer.data) : undefined;
    if (sent?.message) onSent({ action, payload: sent });
  };

  const problems = files.filter((chosen) => chosen.problem).length;
  return (
    <Dialog open title={title} onClose={onClose}>
      <form onSubmit={(event) => void send(event)} noValidate className="take-action">
        <p>
          {ACTION_INTROS[action]} Claim <strong>{claim.claimNumber}</strong>, {claim.region.name}.
        </p>
        <div ref={problemsBox} tabIndex={-1} className="problems">
        {result.error ? (
          <Alert kind="error">
            <p>
              {result.error.networkError
                ? "The message could not be sent: the portal could not be reached. Try again."
                : result.error.graphQLErrors[0]?.message}
            </p>
          </Alert>
        ) : null}
        {/* Every refusal is summed up here, in view; the fields at fault repeat theirs beside them. */}
        <UserErrors errors={userErrors} />
        </div>

        {action === "RESPOND_TO_REQUEST_FOR_INFORMATION" ? (
          <fieldset className={missing.includes("subtopic") ? "field-invalid" : undefined}>
            <legend>
              Subtopic<span className="required"> (required)</span>
            </legend>
            <p className="hint">Choose the subtopic that routes your response to the right claims area.</p>
            {RFI_SUBTOPICS.map((option) => (
              <label key={option.value} className="radio radio-described">
                <input
                  type="radio"
                  name="subtopic"
                  value={option.value}
                  checked={subtopic === option.value}
                  onChange={() => setSubtopic(option.value)}
                />
                <span>
                  {option.label}
                  <span className="secondary"> — {option.when}</span>
                </span>
              </label>
            ))}
            {missing.includes("subtopic") || fieldError(userErrors, "subtopic") ? (
              <p className="field-error">{fieldError(userErrors, "subtopic") ?? "Choose a subtopic."}</p>
            ) : null}
          </fieldset>
        ) : null}

        <TextArea
          label="Message"
          rows={5}
          value={body}
          onChange={(event) => setBody(event.target.value)}
          error={missing.includes("body") ? "Write a message." : fieldError(userErrors, "body")}
          required
        />
        <TextField
          label="CRM ID"
          hint="If you have the CRM ID from KP-provided correspondence, enter that number here."
          value={crmId}
          onChange={(event) => setCrmId(event.target.value)}
          error={fieldError(userErrors, "crmId")}
          autoComplete="off"
        />

        {picker ? (
          <ProviderPicker claimId={claim.id} region={claim.region.code} selected={onBehalfOf} onSelect={setOnBehalfOf} />
        ) : null}

        <div className="field">
          <label htmlFor={fileInputId}>Attachments</label>
          <p className="hint" id={`${fileInputId}-hint`}>
            Only .pdf and .gif files are permitted, up to 20 MB each (approximately 1000 pages), {MAX_FILES} at most.
          </p>
          <input
            id={fileInputId}
            type="file"
            accept={ACCEPT}
            multiple
            aria-describedby={`${fileInputId}-hint`}
            onChange={(event) => {
              void choose(event.target.files);
              event.target.value = "";
            }}
          />
          {files.length > 0 ? (
            <ul className="file-list" aria-label="Files to attach">
              {files.map((chosen, index) => (
                <li key={`${chosen.file.name}-${index}`} className={chosen.problem ? "file-invalid" : undefined}>
                  <span>
                    {chosen.file.name} <span className="secondary">({fileSize(chosen.file.size)})</span>
                  </span>
                  {chosen.problem ? <span className="field-error">{chosen.problem}</span> : null}
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setFiles(files.filter((_, other) => other !== index))}
                  >
                    Remove<span className="visually-hidden"> {chosen.file.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {problems > 0 ? (
            <p className="field-error" role="alert">
              Remove the {problems === 1 ? "file" : "files"} that cannot be attached before you send.
            </p>
          ) : null}
          {files.length > MAX_FILES ? (
            <p className="field-error" role="alert">
              Attach at most {MAX_FILES} files to a message.
            </p>
          ) : null}
        </div>

        {progress !== null ? (
          <div className="upload-progress">
            <label htmlFor={`${fileInputId}-progress`}>Uploading attachments: {progress}%</label>
            <progress id={`${fileInputId}-progress`} max={100} value={progress}>
              {progress}%
            </progress>
          </div>
        ) : null}

        <div className="button-row">
          <button type="button" className="button-secondary" onClick={onClose} disabled={result.fetching}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={result.fetching}>
            {result.fetching ? "Sending…" : "Send"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

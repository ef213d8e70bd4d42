// Small building blocks shared by the screens: the page heading that takes focus, form fields with their
// labels and errors, alerts, dialogs, and the portal's words for the contract's codes.
import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useEffect,
  useId,
  useRef,
} from "react";
import type { CombinedError } from "urql";

import type {
  ClaimStatus,
  MessageFolder,
  MessageKind,
  PlanType,
  RfiSubtopic,
  UserErrorFieldsFragment as UserError,
} from "./graphql/generated/graphql";

export const PORTAL_NAME = "Online Affiliate";

/** The screen's heading: it names the tab and takes focus, so a screen reader announces the new screen. */
export function Page({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${PORTAL_NAME}`;
    heading.current?.focus({ preventScroll: false });
  }, [title]);
  return (
    <div className={wide ? "page page-wide" : "page"}>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}

interface FieldProps {
  label: string;
  hint?: string;
  error?: string | null;
}

function describedBy(...ids: (string | false | undefined | null)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === "string" && id.length > 0);
  return present.length > 0 ? present.join(" ") : undefined;
}

export function TextField({ label, hint, error, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>
        {label}
        {input.required ? <span className="required"> (required)</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}
        {...input}
      />
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextArea({ label, hint, error, ...area }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>
        {label}
        {area.required ? <span className="required"> (required)</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}
        {...area}
      />
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({
  label,
  hint,
  error,
  children,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>
        {label}
        {select.required ? <span className="required"> (required)</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}
        {...select}
      >
        {children}
      </select>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A message that screen readers announce as it appears. */
export function Alert({ kind, children }: { kind: "error" | "success" | "info" | "warning"; children: ReactNode }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

/** The userErrors a mutation answered with that name no input field, or all of them. */
export function UserErrors({ errors }: { errors: UserError[] }) {
  if (errors.length === 0) return null;
  return (
    <Alert kind="error">
      {errors.length === 1 ? (
        <p>{errors[0]?.message}</p>
      ) : (
        <ul>
          {errors.map((error, index) => (
            <li key={index}>{error.message}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

/** The userError of one input field (its path ends with `name`). */
export function fieldError(errors: UserError[], name: string): string | null {
  return errors.find((error) => error.field?.at(-1) === name)?.message ?? null;
}

/** A request that failed as a whole: a region down, the network, or the gateway refusing it. */
export function RequestError({ error }: { error: CombinedError | undefined }) {
  if (!error) return null;
  const regions = error.graphQLErrors
    .filter((e) => e.extensions?.code === "REGION_UNAVAILABLE")
    .map((e) => (typeof e.extensions?.region === "string" ? e.extensions.region : ""));
  if (regions.length > 0 && regions.length === error.graphQLErrors.length) {
    return (
      <Alert kind="warning">
        <p>
          Some regions are not answering right now ({regions.join(", ")}): their claims and messages are missing from
          this page. Please try again in a few minutes.
        </p>
      </Alert>
    );
  }
  const message = error.networkError
    ? "The portal could not be reached. Check your connection and try again."
    : (error.graphQLErrors[0]?.message ?? "Something went wrong.");
  return (
    <Alert kind="error">
      <p>{message}</p>
    </Alert>
  );
}

/** A modal dialog (the native <dialog>: focus stays inside, Escape closes it unless `persistent`); the
 * control marked `data-autofocus` takes focus when it opens. */
export function Dialog({
  open,
  title,
  children,
  onClose,
  persistent,
  role = "dialog",
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  onClose?: () => void;
  persistent?: boolean;
  role?: "dialog" | "alertdialog";
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      // showModal focuses the first control; a dialog may name the one its answer most likely is.
      element.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    }
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="dialog"
      role={role}
      aria-labelledby={titleId}
      aria-modal="true"
      onCancel={(event) => {
        event.preventDefault();
        if (!persistent) onClose?.();
      }}
    >
      {open ? (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
        </>
      ) : null}
    </dialog>
  );
}

// ------------------------------------------------------------------ the portal's words

export const CLAIM_STATUS_LABELS: Record<ClaimStatus, string> = {
  RECEIVED: "Received",
  IN_PROCESS: "In process",
  PENDED_FOR_INFORMATION: "Pended for information",
  PAID: "Paid",
  PARTIALLY_PAID: "Partially paid",
  DENIED: "Denied",
  ADJUSTED: "Adjusted",
};

// X12 277 claim status category codes (the ones the regions use).
const STATUS_CATEGORIES: Record<string, string> = {
  A0: "Acknowledgement: forwarded",
  A1: "Acknowledgement: received",
  A2: "Acknowledgement: accepted into adjudication",
  A3: "Acknowledgement: returned as unprocessable",
  A4: "Acknowledgement: not found",
  P0: "Pending: adjudication or processing",
  P1: "Pending: in process",
  P2: "Pending: payer review",
  P3: "Pending: provider requested information",
  P4: "Pending: patient requested information",
  P5: "Pending: payer administrative or system hold",
  F0: "Finalized",
  F1: "Finalized: payment",
  F2: "Finalized: denial",
  F3: "Finalized: revised",
  F4: "Finalized: adjudication complete, no payment forthcoming",
};

export function statusCategoryLabel(code: string): string {
  const description = STATUS_CATEGORIES[code];
  return description ? `${code} – ${description}` : code;
}

export const PLAN_LABELS: Record<PlanType, string> = {
  HMO: "HMO",
  SELF_FUNDED: "Self-Funded",
  PPO: "PPO",
  POS: "POS",
  OUT_OF_AREA: "Out of area (OOA)",
  DEDUCTIBLE_HMO: "Deductible HMO",
  MEDICARE_ADVANTAGE: "Medicare Advantage",
  MEDICAID: "Medicaid",
};

export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = {
  SUPPORTING_DOCUMENTATION: "Supporting documentation",
  REQUEST_FOR_INFORMATION_RESPONSE: "Response to request for information",
  DISPUTE: "Dispute",
  ACKNOWLEDGEMENT_LETTER: "Acknowledgement letter",
  AUTHORIZATION_REQUEST: "Authorization request",
  AUTHORIZATION_DECISION_LETTER: "Authorization decision letter",
  AUTHORIZATION_REQUEST_FOR_INFORMATION: "Request for information about an authorization",
  AUTHORIZATION_RFI_RESPONSE: "Response to an authorization's request for information",
};

export const FOLDER_LABELS: Record<MessageFolder, string> = {
  SENT: "Sent",
  CUSTOMER_SERVICE_REPLY: "Customer Service Reply",
};

// The Online Provider Messaging guide, step 6: the four subtopics and when to choose each.
export const RFI_SUBTOPICS: { value: RfiSubtopic; label: string; when: string }[] = [
  {
    value: "SOLICITED_CLAIMS_RFI_LETTER",
    label: "Solicited Claims RFI Letter",
    when: "You are responding to a letter you received from Kaiser Permanente, or to a denial for additional information needed.",
  },
  {
    value: "CLINICAL_REVIEW_RFI_LETTER",
    label: "Clinical Review RFI Letter",
    when: "You received a letter from Clinical Review at Kaiser Permanente.",
  },
  {
    value: "CODE_EDIT_RFI_LETTER",
    label: "Code Edit RFI Letter",
    when: "You received a letter from Code Edit at Kaiser Permanente.",
  },
  {
    value: "UNSOLICITED_RFI_DOCUMENT",
    label: "Unsolicited RFI Document",
    when: "You are uploading documents that Kaiser Permanente has not officially requested yet.",
  },
];

/** "1250.00" as "$1,250.00", from the decimal string itself (never through a float). */
export function money(amount: string | null | undefined): string {
  if (amount === null || amount === undefined) return "—";
  const negative = amount.startsWith("-");
  const [whole = "0", fraction = ""] = amount.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}$${grouped}.${fraction.padEnd(2, "0").slice(0, 2)}`;
}

/** "2026-03-01" as "03/01/2026". */
export function date(value: string | null | undefined): string {
  if (!value) return "—";
  const [year, month, day] = value.split("-");
  return `${month}/${day}/${year}`;
}

export function dateTime(value: string | null | undefined): string {
  if (!value) return "—";
  return new Date(value).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

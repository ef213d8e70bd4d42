// Manage My Account › Profile (seed 000): "select the Edit button to make changes and Done to apply them".
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useMutation } from "urql";

import { UpdateProfileDocument, type ViewerQuery } from "../../graphql/generated/graphql";
import { Alert, RequestError, TextField, UserErrors, fieldError } from "../../ui";

type Profile = NonNullable<ViewerQuery["viewer"]>["user"]["profile"];

const FIELDS = {
  personal: [
    ["firstName", "First name", "given-name", "text"],
    ["lastName", "Last name", "family-name", "text"],
    ["email", "Email address", "email", "email"],
    ["phone", "Phone", "tel", "tel"],
  ],
  work: [
    ["organization", "Organization", "organization", "text"],
    ["jobTitle", "Job title", "organization-title", "text"],
    ["workPhone", "Work phone", "tel", "tel"],
  ],
  supervisor: [
    ["supervisorName", "Supervisor’s name", "off", "text"],
    ["supervisorEmail", "Supervisor’s email address", "off", "email"],
    ["supervisorPhone", "Supervisor’s phone", "off", "tel"],
  ],
} as const;

type FieldName = (typeof FIELDS)[keyof typeof FIELDS][number][0];
type Draft = Record<FieldName, string>;

const REQUIRED: FieldName[] = ["firstName", "lastName", "email", "organization"];

function draftOf(profile: Profile): Draft {
  return {
    firstName: profile.firstName,
    lastName: profile.lastName,
    email: profile.email,
    phone: profile.phone ?? "",
    organization: profile.work.organization,
    jobTitle: profile.work.jobTitle ?? "",
    workPhone: profile.work.phone ?? "",
    supervisorName: profile.supervisor?.name ?? "",
    supervisorEmail: profile.supervisor?.email ?? "",
    supervisorPhone: profile.supervisor?.phone ?? "",
  };
}

const GROUP_TITLES = { personal: "Personal information", work: "Work information", supervisor: "Supervisor" };

export function ProfileSection({ viewer }: { viewer: ViewerQuery | undefined }) {
  const user = viewer?.viewer?.user;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const [result, update] = useMutation(UpdateProfileDocument);
  const editButton = useRef<HTMLButtonElement>(null);
  const firstInput = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (editing) firstInput.current?.querySelector("input")?.focus();
  }, [editing]);
  if (!user) return <p role="status">Loading your profile…</p>;

  const errors = result.data?.updateProfile.userErrors ?? [];
  const startEditing = () => {
    setDraft(draftOf(user.profile));
    setSaved(false);
    setEditing(true);
  };
  const done = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    const answer = await update({ input: draft });
    if (answer.data?.updateProfile.userErrors.length === 0) {
      setEditing(false);
      setSaved(true);
      window.setTimeout(() => editButton.current?.focus(), 0);
    }
  };

  const profile = user.profile;
  const shown: Draft = draftOf(profile);
  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <p>
        User ID: <strong>{user.userId}</strong>
      </p>
      {saved ? (
        <Alert kind="success">
          <p>Your profile has been updated.</p>
        </Alert>
      ) : null}
      {editing && draft ? (
        <form onSubmit={(event) => void done(event)} noValidate>
          <RequestError error={result.error} />
          <UserErrors errors={errors.filter((error) => !error.field || error.field.length < 2)} />
          <div className="profile-groups" ref={firstInput}>
            {(Object.keys(FIELDS) as (keyof typeof FIELDS)[]).map((group) => (
              <fieldset key={group} className="card">
                <legend>{GROUP_TITLES[group]}</legend>
                {FIELDS[group].map(([name, label, autoComplete, type]) => (
                  <TextField
                    key={name}
                    label={label}
                    type={type}
                    autoComplete={autoComplete}
                    value={draft[name]}
                    required={REQUIRED.includes(name)}
                    error={fieldError(errors, name)}
                    onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
                  />
                ))}
              </fieldset>
            ))}
          </div>
          <div className="button-row">
            <button type="submit" className="button-primary" disabled={result.fetching}>
              Done
            </button>
            <button type="button" className="button-secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <div className="profile-groups">
            {(Object.keys(FIELDS) as (keyof typeof FIELDS)[]).map((group) => (
              <section key={group} className="card" aria-labelledby={`profile-${group}`}>
                <h3 id={`profile-${group}`}>{GROUP_TITLES[group]}</h3>
                <dl className="facts">
                  {FIELDS[group].map(([name, label]) => (
                    <div key={name} className="fact">
                      <dt>{label}</dt>
                      <dd>{shown[name] || "—"}</dd>
                    </div>
                  ))}
                </dl>
              </section>
            ))}
          </div>
          <button type="button" ref={editButton} className="button-primary" onClick={startEditing}>
            Edit
          </button>
        </>
      )}
    </section>
  );
}

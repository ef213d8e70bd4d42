// An attachment's download: the file is fetched with the session's token (a plain link would carry none),
// then handed to the browser to save.
import { useState } from "react";

import type { AttachmentFileFragment } from "../../graphql/generated/graphql";
import { session } from "../../session";
import { fileSize } from "../../ui";

export function AttachmentLink({ attachment }: { attachment: AttachmentFileFragment }) {
  const [failed, setFailed] = useState(false);
  const download = async () => {
    setFailed(false);
    const token = await session.token();
    const response = await fetch(`/attachments/${encodeURIComponent(attachment.id)}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }).catch(() => null);
    if (!response?.ok) {
      setFailed(true);
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = attachment.filename;
    anchor.click();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <span className="attachment">
      <button type="button" className="link-button" onClick={() => void download()}>
        {attachment.filename}
      </button>{" "}
      <span className="secondary">({fileSize(attachment.sizeBytes)})</span>
      {failed ? <span className="field-error"> The file could not be downloaded.</span> : null}
    </span>
  );
}

// What may be attached (the Online Provider Messaging guide, step 9): "Only .pdf and .gif files are permitted
// at this time" and "Maximum file size for uploading is 20mb". Checked here before anything is sent; the
// gateway checks again.

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_FILES = 10;
export const ACCEPT = ".pdf,.gif,application/pdf,image/gif";

const SIGNATURES: { bytes: string; extension: string }[] = [
  { bytes: "%PDF-", extension: ".pdf" },
  { bytes: "GIF87a", extension: ".gif" },
  { bytes: "GIF89a", extension: ".gif" },
];

/** Why a file may not be attached, or null when it may. */
export async function attachmentProblem(file: File): Promise<string | null> {
  const name = file.name.toLowerCase();
  if (!name.endsWith(".pdf") && !name.endsWith(".gif")) {
    return `${file.name} is not a .pdf or .gif file. Only .pdf and .gif files are permitted.`;
  }
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > MAX_FILE_BYTES) {
    return `${file.name} is larger than 20 MB (about 1000 pages), the largest file that can be uploaded.`;
  }
  const head = new TextDecoder("latin1").decode(await file.slice(0, 8).arrayBuffer());
  const signature = SIGNATURES.find((candidate) => head.startsWith(candidate.bytes));
  if (!signature || !name.endsWith(signature.extension)) {
    return `${file.name} is not a real ${name.endsWith(".pdf") ? "PDF" : "GIF"} file: its contents do not match its name.`;
  }
  return null;
}

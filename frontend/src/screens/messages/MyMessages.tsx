// My Messages: the in-basket by folder — Customer Service Reply holds the automated acknowledgement letters
// (seed 004, In Basket) — with unread marks, and new messages arriving live through the subscription.
import { useContext, useEffect } from "react";
import { useMutation, useQuery } from "urql";

import {
  InBasketDocument,
  type InBasketQuery,
  MarkMessagesReadDocument,
  type MessageFolder,
} from "../../graphql/generated/graphql";
import { Arrivals } from "../../live";
import { useKeyedState } from "../../keyedState";
import { Pager, usePaging } from "../../pager";
import { Link, navigate, useLocation } from "../../router";
import { AttachmentLink } from "../claims/AttachmentLink";
import { FOLDER_LABELS, MESSAGE_KIND_LABELS, Page, RFI_SUBTOPICS, RequestError, dateTime } from "../../ui";

type InBasketMessage = NonNullable<InBasketQuery["viewer"]>["inBasket"]["edges"][number]["node"];

const PAGE_SIZE = 20;
const FOLDERS: (MessageFolder | null)[] = [null, "CUSTOMER_SERVICE_REPLY", "SENT"];

function folderFrom(value: string | null): MessageFolder | null {
  return value === "SENT" || value === "CUSTOMER_SERVICE_REPLY" ? value : null;
}

export function MyMessages() {
  const { params } = useLocation();
  const folder = folderFrom(params.get("folder"));
  const arrivals = useContext(Arrivals);
  const paging = usePaging(folder ?? "ALL");
  // The message opened, closed again in another folder.
  const [openId, setOpenId] = useKeyedState<string | null>(folder ?? "ALL", null);

  const [result, refetch] = useQuery({
    query: InBasketDocument,
    variables: { folder, first: PAGE_SIZE, after: paging.after },
  });
  useEffect(() => {
    if (arrivals.count > 0) refetch({ requestPolicy: "network-only" });
  }, [arrivals.count, refetch]);
  const [, markRead] = useMutation(MarkMessagesReadDocument);

  const inBasket = result.data?.viewer?.inBasket;
  const open = inBasket?.edges.find((edge) => edge.node.id === openId)?.node ?? null;

  const read = (message: InBasketMessage) => {
    setOpenId(message.id === openId ? null : message.id);
    if (!message.readAt) void markRead({ input: { messageIds: [message.id] } });
  };

  return (
    <Page title="My Messages" wide>
      <nav aria-label="Folders" className="tabs">
        <ul>
          {FOLDERS.map((candidate) => (
            <li key={candidate ?? "ALL"}>
              <Link
                to={candidate ? `/messages?folder=${candidate}` : "/messages"}
                aria-current={candidate === folder ? "page" : undefined}
              >
                {candidate ? FOLDER_LABELS[candidate] : "All messages"}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {folder === "CUSTOMER_SERVICE_REPLY" ? (
        <p className="hint">
          Acknowledgement letters (California regions) are automated responses to your submissions, for your records.
        </p>
      ) : null}
      <RequestError error={result.error} />
      <section aria-labelledby="messages-heading" aria-busy={result.fetching}>
        <h2 id="messages-heading" className="results-heading">
          {inBasket
            ? `${inBasket.totalCount} ${inBasket.totalCount === 1 ? "message" : "messages"} in ${folder ? FOLDER_LABELS[folder] : "all folders"}`
            : "Loading messages…"}
        </h2>
        {inBasket?.edges.length === 0 ? <p>There are no messages in this folder.</p> : null}
        {inBasket && inBasket.edges.length > 0 ? (
          <ul className="message-list">
            {inBasket.edges.map(({ node: message }) => (
              <li key={message.id} className={message.readAt ? "message" : "message message-unread"}>
                <button
                  type="button"
                  className="message-summary"
                  aria-expanded={message.id === openId}
                  aria-controls={`message-${message.id}`}
                  onClick={() => read(message)}
                >
                  {message.readAt ? null : (
                    <span className="unread-mark">
                      <span aria-hidden="true">●</span> Unread
                    </span>
                  )}
                  <span className="message-subject">{message.subject}</span>
                  <span className="secondary">
                    {MESSAGE_KIND_LABELS[message.kind]} · {FOLDER_LABELS[message.folder]} · {message.region.code} ·{" "}
                    {dateTime(message.sentAt)}
                  </span>
                </button>
                {message.id === openId && open ? (
                  <div className="message-body" id={`message-${message.id}`}>
                    <dl className="facts">
                      {message.claim ? (
                        <>
                          <dt>Claim</dt>
                          <dd>
                            <Link to={`/claims/${encodeURIComponent(message.claim.id)}`}>{message.claim.claimNumber}</Link>
                          </dd>
                        </>
                      ) : null}
                      {message.subtopic ? (
                        <>
                          <dt>Subtopic</dt>
                          <dd>{RFI_SUBTOPICS.find((option) => option.value === message.subtopic)?.label}</dd>
                        </>
                      ) : null}
                      {message.crmId ? (
                        <>
                          <dt>CRM ID</dt>
                          <dd>{message.crmId}</dd>
                        </>
                      ) : null}
                      {message.onBehalfOf ? (
                        <>
                          <dt>On behalf of</dt>
                          <dd>
                            {message.onBehalfOf.name}, NPI {message.onBehalfOf.npi}
                          </dd>
                        </>
                      ) : null}
                    </dl>
                    <p className="message-text">{message.body}</p>
                    {message.attachments.length > 0 ? (
                      <p>
                        Attachments:{" "}
                        {message.attachments.map((attachment) => (
                          <AttachmentLink key={attachment.id} attachment={attachment} />
                        ))}
                      </p>
                    ) : null}
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        {inBasket ? <Pager paging={paging} connection={inBasket} pageSize={PAGE_SIZE} label="Message pages" /> : null}
      </section>
      <p className="hint">
        New messages appear here as they arrive. Looking for a claim? <Link to="/claims">Search claims</Link>.{" "}
        <button type="button" className="link-button" onClick={() => navigate("/messages?folder=CUSTOMER_SERVICE_REPLY")}>
          Show acknowledgement letters
        </button>
      </p>
    </Page>
  );
}

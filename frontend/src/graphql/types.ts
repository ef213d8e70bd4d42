// The shapes of the contract (shared/contract/schema.graphql) that the screens read, written out by hand:
// the build checks every document against the gateway's schema, these types keep the screens honest.

export type RegionCode = "SCAL" | "NCAL" | "CO" | "GA" | "HI" | "MAS" | "NW";
export type ClaimStatus =
  | "RECEIVED"
  | "IN_PROCESS"
  | "PENDED_FOR_INFORMATION"
  | "PAID"
  | "PARTIALLY_PAID"
  | "DENIED"
  | "ADJUSTED";
export type ClaimAction = "SUBMIT_SUPPORTING_DOCUMENTATION" | "RESPOND_TO_REQUEST_FOR_INFORMATION" | "FILE_DISPUTE";
export type MessageKind =
  | "SUPPORTING_DOCUMENTATION"
  | "REQUEST_FOR_INFORMATION_RESPONSE"
  | "DISPUTE"
  | "ACKNOWLEDGEMENT_LETTER";
export type MessageFolder = "SENT" | "CUSTOMER_SERVICE_REPLY";
export type RfiSubtopic =
  | "SOLICITED_CLAIMS_RFI_LETTER"
  | "CLINICAL_REVIEW_RFI_LETTER"
  | "CODE_EDIT_RFI_LETTER"
  | "UNSOLICITED_RFI_DOCUMENT";
export type PlanType = "HMO" | "SELF_FUNDED" | "PPO" | "POS" | "OUT_OF_AREA";
export type AssociationStatus = "PENDING" | "ACTIVE" | "DENIED" | "REMOVED";
export type AccessLevel = "CLINICAL" | "ADMINISTRATIVE";
export type UserKind = "PROVIDER_STAFF" | "THIRD_PARTY_ADMINISTRATOR" | "REGIONAL_REPRESENTATIVE";

export interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: { cursor: string; node: T }[];
}

export interface RegionRef {
  code: RegionCode;
  name: string;
}

export interface RegionContacts {
  technicalSupportPhone: string;
  registrationHelpEmail: string;
  trainingHelpEmail: string;
}

export interface Region extends RegionRef {
  acknowledgementLetters: boolean;
  onBehalfOfProviderPicker: boolean;
  contacts: RegionContacts;
}

export interface Profile {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  work: { organization: string; jobTitle: string | null; phone: string | null };
  supervisor: { name: string; email: string; phone: string | null } | null;
}

export interface ViewerData {
  viewer: {
    user: { id: string; userId: string; kind: UserKind; status: string; profile: Profile };
    activeRegion: RegionRef | null;
    approvedRegions: RegionRef[];
  } | null;
  regions: Region[];
}

export interface EntityRef {
  id: string;
  taxId: string;
  name: string;
}

export interface ProviderRef {
  id: string;
  name: string;
  npi: string;
}

export interface Provider extends ProviderRef {
  specialty: string | null;
}

export interface Payment {
  vendor: string;
  method: "CHECK" | "EFT";
  reference: string;
  amount: string;
  paidOn: string;
}

export interface ClaimRow {
  id: string;
  claimNumber: string;
  region: RegionRef;
  entity: EntityRef;
  member: { memberId: string; firstName: string; lastName: string };
  serviceFrom: string;
  receivedOn: string;
  billedAmount: string;
  paidAmount: string | null;
  status: ClaimStatus;
  statusCategory: string;
}

export interface AttachmentInfo {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
}

export interface ClaimMessage {
  id: string;
  kind: MessageKind;
  folder: MessageFolder;
  subject: string;
  subtopic: RfiSubtopic | null;
  crmId: string | null;
  sentAt: string;
  readAt: string | null;
  onBehalfOf: ProviderRef | null;
  attachments: AttachmentInfo[];
}

export interface ClaimDetail {
  id: string;
  claimNumber: string;
  region: Region;
  entity: EntityRef;
  billingProvider: Provider;
  member: { memberId: string; firstName: string; lastName: string; dateOfBirth: string | null; planType: PlanType };
  serviceFrom: string;
  serviceTo: string;
  receivedOn: string;
  billedAmount: string;
  allowedAmount: string | null;
  paidAmount: string | null;
  patientResponsibility: string | null;
  status: ClaimStatus;
  statusCategory: string;
  statusDetail: string | null;
  payment: Payment | null;
  diagnosisCodes: string[] | null;
  availableActions: ClaimAction[];
  messages: { totalCount: number; edges: { node: ClaimMessage }[] };
}

export interface SubmitMessagePayload {
  message: ClaimMessage | null;
  confirmation: string | null;
  acknowledgement: { id: string; kind: MessageKind; folder: MessageFolder; subject: string } | null;
  userErrors: UserError[];
}

export interface InBasketMessage {
  id: string;
  kind: MessageKind;
  folder: MessageFolder;
  subject: string;
  body: string;
  subtopic: RfiSubtopic | null;
  crmId: string | null;
  sentAt: string;
  readAt: string | null;
  region: RegionRef;
  claim: { id: string; claimNumber: string } | null;
  onBehalfOf: ProviderRef | null;
  attachments: AttachmentInfo[];
}

export interface ArrivedMessage {
  id: string;
  kind: MessageKind;
  folder: MessageFolder;
  subject: string;
  sentAt: string;
  readAt: string | null;
  region: RegionRef;
  claim: { id: string; claimNumber: string } | null;
}

export interface Association {
  id: string;
  entity: EntityRef;
  region: RegionRef;
  access: AccessLevel;
  status: AssociationStatus;
  requestedAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
}

export interface PendingAssociation extends Omit<Association, "decidedAt" | "decisionReason"> {
  user: {
    id: string;
    userId: string;
    profile: { firstName: string; lastName: string; email: string; work: { organization: string } };
  };
}

export interface GuestClaimStatusResult {
  claim: { claimNumber: string; status: ClaimStatus; statusCategory: string; payment: Payment | null } | null;
  guidance: string | null;
}

export interface GuestEligibilityResult {
  eligibility: {
    memberId: string;
    eligible: boolean;
    planType: PlanType;
    coverageFrom: string | null;
    coverageTo: string | null;
  } | null;
  guidance: string | null;
}

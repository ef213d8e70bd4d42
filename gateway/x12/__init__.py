"""X12 5010 output (271 eligibility responses; 835 remittances), built from the records the GraphQL answers
come from, so that a transaction carries exactly what the caller may see."""

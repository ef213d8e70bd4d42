// Navigating from region to region (seed 002, question 9): "One moment — Switching to {region}", or
// "We are unable to switch you to this area of care" for a region the person is not approved for.
import { useState } from "react";
import { useMutation } from "urql";

import { SwitchRegionDocument, type ViewerQuery } from "../../graphql/generated/graphql";
import { navigate } from "../../router";
import { Dialog } from "../../ui";

type Region = ViewerQuery["regions"][number];

const UNABLE = "We are unable to switch you to this area of care";

export function RegionSwitcher({ viewer }: { viewer: ViewerQuery | undefined }) {
  const [switching, setSwitching] = useState<Region | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [, switchRegion] = useMutation(SwitchRegionDocument);
  const active = viewer?.viewer?.activeRegion?.code;
  const approved = new Set(viewer?.viewer?.approvedRegions.map((region) => region.code));

  const go = async (region: Region) => {
    setRefused(null);
    setSwitching(region);
    const answer = await switchRegion({ input: { region: region.code } });
    setSwitching(null);
    const errors = answer.data?.switchRegion.userErrors ?? [];
    if (answer.error || errors.length > 0 || !answer.data) {
      setRefused(errors[0]?.message ?? UNABLE);
      return;
    }
    navigate(`/claims?region=${region.code}`);
  };

  return (
    <section aria-labelledby="regions-heading">
      <h2 id="regions-heading">Regions</h2>
      <p>
        If you are approved for more than one region, move between them here. You are working in{" "}
        <strong>{viewer?.viewer?.activeRegion?.name ?? "no region yet"}</strong>.
      </p>
      <ul className="region-list">
        {(viewer?.regions ?? []).map((region) => (
          <li key={region.code}>
            <button
              type="button"
              className={region.code === active ? "region-button region-active" : "region-button"}
              aria-current={region.code === active ? "true" : undefined}
              onClick={() => void go(region)}
            >
              <span className="region-name">{region.name}</span>
              <span className="secondary">
                {region.code === active ? "Working here" : approved.has(region.code) ? "Approved" : "Not approved"}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <Dialog open={switching !== null} title="One moment" persistent>
        <p role="status">Switching to {switching?.name}</p>
      </Dialog>
      <Dialog open={refused !== null} title={UNABLE} role="alertdialog" onClose={() => setRefused(null)}>
        {refused && refused !== UNABLE ? <p>{refused}</p> : <p>You are not approved for this region’s portal.</p>}
        <div className="button-row">
          <button type="button" className="button-primary" data-autofocus onClick={() => setRefused(null)}>
            Close
          </button>
        </div>
      </Dialog>
    </section>
  );
}

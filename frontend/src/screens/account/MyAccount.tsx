// Manage My Account (the Online Provider Tools page and the Online Affiliate FAQ): Profile, Provider associations and access, Security, and the
// links between the regions a person is approved for.
import type { ViewerQuery } from "../../graphql/generated/graphql";
import { Link, useLocation } from "../../router";
import { Alert, Page } from "../../ui";
import { Associations } from "./Associations";
import { ProfileSection } from "./ProfileSection";
import { RegionSwitcher } from "./RegionSwitcher";
import { Security } from "./Security";

const SECTIONS = [
  { path: "/account", label: "Profile" },
  { path: "/account/associations", label: "Provider associations and access" },
  { path: "/account/security", label: "Security" },
  { path: "/account/regions", label: "Regions" },
] as const;

export function MyAccount({ viewer, setupOnly = false }: { viewer: ViewerQuery | undefined; setupOnly?: boolean }) {
  const { path } = useLocation();
  const current = SECTIONS.find((section) => section.path === path.replace(/\/+$/, "")) ?? SECTIONS[0];
  return (
    <Page title="Manage My Account" wide>
      {setupOnly && viewer?.viewer?.user.status === "REGISTERING" ? (
        <Alert kind="info">
          <p>
            Finish setting up your account: check your profile, your provider associations and your security. A
            regional representative reviews your access requests, and you will receive an email when your access has
            been completed.
          </p>
        </Alert>
      ) : null}
      <nav aria-label="Manage My Account" className="tabs">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.path}>
              <Link to={section.path} aria-current={section === current ? "page" : undefined}>
                {section.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {current.path === "/account" ? <ProfileSection viewer={viewer} /> : null}
      {current.path === "/account/associations" ? <Associations viewer={viewer} /> : null}
      {current.path === "/account/security" ? <Security /> : null}
      {current.path === "/account/regions" ? <RegionSwitcher viewer={viewer} /> : null}
    </Page>
  );
}

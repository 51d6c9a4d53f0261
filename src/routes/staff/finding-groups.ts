// The start page's summary of the compliance report: one line per rule, however many accounts it
// flags, so eight accounts missing a deputy read as one thing to fix, not eight.
import type { RuleCode } from "../../domain/accounts/compliance";

export const RULE_LABEL: Record<RuleCode, string> = {
  no_credential: "Inloggning saknas",
  rights_failing: "Behörighetskontrollen misslyckades",
  too_few_editors: "Färre än två namngivna redaktörer",
  no_deputy: "Ingen ersättare utsedd",
  no_purpose: "Syftesbeskrivning saknas",
  inactive: "Inga inlägg på mer än sex månader",
  rights_check_stale: "Behörigheten är inte kontrollerad",
  snapshot_stale: "Ögonblicksbild saknas eller är gammal",
};

export interface FindingGroup {
  rule: RuleCode;
  label: string;
  /** The finding's own words when it is the only one: it names dates and what to do. */
  message: string;
  accounts: { accountId: string; platform: string; handle: string }[];
}

interface FlaggedAccount {
  accountId: string;
  platform: string;
  handle: string;
  findings: { rule: RuleCode; message: string }[];
}

export function groupFindings(flagged: FlaggedAccount[]): FindingGroup[] {
  const groups = new Map<RuleCode, FindingGroup>();
  for (const account of flagged) {
    for (const finding of account.findings) {
      let group = groups.get(finding.rule);
      if (!group) {
        group = { rule: finding.rule, label: RULE_LABEL[finding.rule], message: finding.message, accounts: [] };
        groups.set(finding.rule, group);
      }
      group.accounts.push({ accountId: account.accountId, platform: account.platform, handle: account.handle });
    }
  }
  return [...groups.values()];
}

//! An error in the user's language: the core's `message` / `message_en`, or a UI catalog text.

import { useLang, useT } from "../i18n";
import type { Problem } from "../hooks/useSubmit";

export function ErrorText({ problem, testId }: { problem: Problem; testId: string }) {
  const t = useT();
  const { lang } = useLang();
  let text = t("error.unknown");
  if (problem.key) text = t(problem.key);
  else if (problem.ipc) text = (lang === "en" ? problem.ipc.message_en : problem.ipc.message) || text;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {text}
    </p>
  );
}

/** The error if it belongs in `slot` (a field name, or "form" for the form's foot). */
export function errorIn(problem: Problem | null, slot: string, testId: string) {
  if (!problem || (problem.field ?? "form") !== slot) return null;
  return <ErrorText problem={problem} testId={testId} />;
}

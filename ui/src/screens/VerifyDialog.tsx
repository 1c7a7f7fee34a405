//! Ctrl+J 校验流水: asks the core to re-check the hash chain and shows the verdict.

import { useEffect, useState } from "react";
import { api } from "../api";
import type { VerifyView } from "../bindings/VerifyView";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { useSubmit } from "../hooks/useSubmit";
import { useT } from "../i18n";

export function VerifyDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [result, setResult] = useState<VerifyView | null>(null);
  const { pending, problem, run } = useSubmit();
  useEffect(() => {
    void run(async () => setResult(await api.verifyJournal()));
  }, [run]);

  return (
    <Dialog title={t("verify.title")} onClose={onClose}>
      {pending && <p className="muted">{t("verify.running")}</p>}
      {problem && <ErrorText problem={problem} testId="verify-result" />}
      {result && (
        <div className={`verify ${result.sound ? "sound" : "broken"}`} data-testid="verify-result" role="status">
          {result.sound ? (
            <p className="big-text">{t("verify.sound", { entries: result.entries })}</p>
          ) : (
            <>
              <p className="error big-text">
                {result.broken_seq !== null ? t("verify.broken", { seq: result.broken_seq }) : t("verify.problem")}
              </p>
              {result.problem && <p className="error">{result.problem}</p>}
            </>
          )}
          <p className="muted">
            {t("verify.head")}: <code className="hash">{result.head_hash}</code>
          </p>
        </div>
      )}
    </Dialog>
  );
}

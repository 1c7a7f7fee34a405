//! 自动锁屏: minutes of inactivity before the screen locks (administrators; the core checks
//! both the role and the range).

import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import { errorIn } from "../components/ErrorText";
import { Field } from "../components/Field";
import { KeyForm } from "../components/KeyForm";
import { useDraft } from "../hooks/useDraft";
import { useSubmit, type FieldFor } from "../hooks/useSubmit";
import { useT } from "../i18n";
import type { Notice } from "./notice";

const toField: FieldFor = () => "minutes";

interface Props {
  minutes: number;
  onStatus: (s: AppStatus, notice: Notice) => void;
}

export function IdleLockForm({ minutes, onStatus }: Props) {
  const t = useT();
  const [text, setText, clear] = useDraft("idle.minutes", String(minutes));
  const { pending, problem, setProblem, run } = useSubmit(toField);

  function submit() {
    if (!/^\d{1,4}$/.test(text.trim())) {
      setProblem({ key: "ops.idleInvalid", field: "minutes" });
      return;
    }
    const value = Number(text.trim());
    void run(async () => {
      const next = await api.setIdleLock(value);
      clear();
      onStatus(next, { key: "notice.idleSet", vars: { minutes: next.idle_lock_minutes } });
    });
  }

  return (
    <KeyForm onSubmit={submit} problem={problem} escBack={false} className="inline-form">
      <h3>{t("ops.idleTitle")}</h3>
      <Field
        name="minutes"
        label={t("ops.idleMinutes")}
        testId="idle-minutes"
        value={text}
        onChange={setText}
        inputMode="numeric"
        error={errorIn(problem, "minutes", "idle-error")}
      />
      <button type="submit" data-testid="idle-submit" disabled={pending}>
        {t("ops.idleSubmit")}
      </button>
    </KeyForm>
  );
}

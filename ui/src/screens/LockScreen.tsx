//! 锁屏: hides the shell until the same operator types the PIN again (a `login` with the same
//! name), or someone else takes over (logout, then the login screen). The outage banner stays
//! on top, so a locked counter still says the HIS is down.

import { useState } from "react";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import { ErrorText } from "../components/ErrorText";
import { PinField } from "../components/Field";
import { KeyForm } from "../components/KeyForm";
import { OutageLine } from "../components/OutageLine";
import { useSubmit, type FieldFor } from "../hooks/useSubmit";
import { roleKey, useT } from "../i18n";

const pinField: FieldFor = () => "pin";

interface Props {
  status: AppStatus;
  onUnlocked: (s: AppStatus) => void;
  onSwitched: (s: AppStatus) => void;
}

export function LockScreen({ status, onUnlocked, onSwitched }: Props) {
  const t = useT();
  const [pin, setPin] = useState("");
  const unlock = useSubmit(pinField);
  const leave = useSubmit();
  const operator = status.operator;
  if (!operator) return null;

  function submit() {
    void unlock.run(async () => onUnlocked(await api.login({ name: operator!.name, pin })));
  }

  const problem = unlock.problem ?? leave.problem;
  return (
    <div className="lock-page">
    <OutageLine outage={status.outage} />
    <main className="lock" data-testid="lock-screen">
      <h1>{t("lock.title")}</h1>
      <p className="lock-operator">{t("lock.operator", { name: operator.name, role: t(roleKey(operator.role)) })}</p>
      <KeyForm onSubmit={submit} problem={unlock.problem} className="lock-form">
        <PinField name="pin" label={t("lock.pin")} testId="lock-pin" value={pin} onChange={setPin} autoFocus big />
        <button type="submit" className="primary" data-testid="lock-submit" disabled={unlock.pending}>
          {t("lock.submit")}
        </button>
      </KeyForm>
      {problem && <ErrorText problem={problem} testId="lock-error" />}
      <button
        type="button"
        className="quiet"
        data-testid="lock-switch"
        disabled={leave.pending}
        onClick={() => void leave.run(async () => onSwitched(await api.logout()))}
      >
        {t("lock.switch")}
      </button>
    </main>
    </div>
  );
}

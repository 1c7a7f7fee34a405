//! 操作员登录: name and PIN; Enter from the PIN logs in. Errors stay under the form and the
//! field to correct gets the focus. The outage banner (or the plain "normal" line) is shown
//! above, as in the shell.

import { useState } from "react";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import { CardPage } from "../components/CardPage";
import { ErrorText } from "../components/ErrorText";
import { Field, PinField } from "../components/Field";
import { KeyForm } from "../components/KeyForm";
import { OutageLine } from "../components/OutageLine";
import { useSubmit, type FieldFor } from "../hooks/useSubmit";
import { useT } from "../i18n";

const fieldFor: FieldFor = (code) => (code === "operator_unknown" ? "name" : code.startsWith("pin_") ? "pin" : undefined);

export function LoginScreen({ status, onStatus }: { status: AppStatus; onStatus: (s: AppStatus) => void }) {
  const t = useT();
  const [name, setName] = useState("");
  const [pin, setPin] = useState("");
  const { pending, problem, run } = useSubmit(fieldFor);

  function submit() {
    void run(async () => onStatus(await api.login({ name, pin })));
  }

  const station = status.station;
  return (
    <CardPage title={t("login.title")} banner={<OutageLine outage={status.outage} />}>
      {station && (
        <p className="muted">
          {station.hospital} · {station.code} {station.name}
        </p>
      )}
      <KeyForm onSubmit={submit} problem={problem} className="grid-form">
        <Field name="name" label={t("login.name")} testId="login-name" value={name} onChange={setName} autoFocus />
        <PinField name="pin" label={t("login.pin")} testId="login-pin" value={pin} onChange={setPin} />
        <button type="submit" className="primary" data-testid="login-submit" disabled={pending}>
          {pending ? t("common.working") : t("login.submit")}
        </button>
      </KeyForm>
      {problem && <ErrorText problem={problem} testId="login-error" />}
    </CardPage>
  );
}

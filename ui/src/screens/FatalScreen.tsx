//! Full-screen refusal when the database cannot be used (damaged, newer schema, not ours,
//! read-only): the core's message, and the one way out where there is one — the key of an
//! encrypted station (an administrator types it; it is kept for this run only), or restore
//! from a backup for a damaged file (an administrator of that backup's station authorises it).

import { useState } from "react";
import { api, type IpcError } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { ErrorCode } from "../bindings/ErrorCode";
import { ErrorText } from "../components/ErrorText";
import { Field, PinField } from "../components/Field";
import { KeyForm } from "../components/KeyForm";
import { useSubmit } from "../hooks/useSubmit";
import { useLang, useT } from "../i18n";

const KEY_CODES: ErrorCode[] = ["db_key_needed", "db_key_wrong"];
const RESTORE_CODES: ErrorCode[] = ["db_damaged"];

export function FatalScreen({ error, onStatus }: { error: IpcError; onStatus?: (s: AppStatus) => void }) {
  const t = useT();
  const { lang } = useLang();
  return (
    <main className="fatal" role="alert" data-testid="fatal-error">
      <h1>{t("fatal.title")}</h1>
      <p className="fatal-message">{(lang === "en" ? error.message_en : error.message) || t("error.unknown")}</p>
      {onStatus && KEY_CODES.includes(error.code) && <UnlockForm onStatus={onStatus} />}
      {onStatus && RESTORE_CODES.includes(error.code) && <RestoreForm onStatus={onStatus} />}
      {!KEY_CODES.includes(error.code) && <p>{t("fatal.hint")}</p>}
      <p className="muted">
        {t("fatal.code")}: <code>{error.code}</code>
      </p>
    </main>
  );
}

function UnlockForm({ onStatus }: { onStatus: (s: AppStatus) => void }) {
  const t = useT();
  const [key, setKey] = useState("");
  const { pending, problem, run } = useSubmit(() => "key");
  return (
    <KeyForm onSubmit={() => void run(async () => onStatus(await api.unlockStation(key)))} problem={problem} className="grid-form">
      <Field
        name="key"
        type="password"
        autoComplete="off"
        label={t("fatal.key")}
        hint={t("fatal.keyHint")}
        testId="unlock-key"
        value={key}
        onChange={setKey}
        autoFocus
      />
      <button type="submit" className="primary" data-testid="unlock-submit" disabled={pending || !key}>
        {pending ? t("common.working") : t("fatal.unlock")}
      </button>
      {problem && <ErrorText problem={problem} testId="unlock-error" />}
    </KeyForm>
  );
}

function RestoreForm({ onStatus }: { onStatus: (s: AppStatus) => void }) {
  const t = useT();
  const [name, setName] = useState("");
  const [pin, setPin] = useState("");
  const [older, setOlder] = useState(false);
  const { pending, problem, run } = useSubmit((code) => (code === "operator_unknown" ? "name" : code.startsWith("pin_") ? "pin" : undefined));
  function submit() {
    void run(async () => {
      const chosen = await api.pickFile(t("fatal.pickBackup"), t("fatal.backupFiles"), ["downtime-backup"]);
      if (chosen) onStatus(await api.restoreBackup(name, pin, older));
    });
  }
  return (
    <section className="fatal-restore" aria-label={t("fatal.restoreTitle")}>
      <h2>{t("fatal.restoreTitle")}</h2>
      <p className="muted">{t("fatal.restoreHint")}</p>
      <KeyForm onSubmit={submit} problem={problem} className="grid-form">
        <Field name="name" label={t("login.name")} testId="restore-name" value={name} onChange={setName} autoFocus />
        <PinField name="pin" label={t("login.pin")} testId="restore-pin" value={pin} onChange={setPin} />
        <label className="check">
          <input type="checkbox" checked={older} onChange={(e) => setOlder(e.target.checked)} data-testid="restore-older" />
          {t("fatal.restoreOlder")}
        </label>
        <button type="submit" className="primary" data-testid="restore-submit" disabled={pending}>
          {pending ? t("common.working") : t("fatal.restore")}
        </button>
      </KeyForm>
      {problem && <ErrorText problem={problem} testId="restore-error" />}
    </section>
  );
}

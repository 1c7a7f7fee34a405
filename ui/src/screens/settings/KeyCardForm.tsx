//! 本站密钥卡 (#18): this station's code, name and key fingerprint, and the file to write its
//! key card to — offered by the core (`exports/<CODE>.key.json` beside the database), typed
//! over for a USB stick. Enter writes it (`export_key_card`). Who may export it is the core's
//! (`key_card_offer` refuses at the door: administrators, supervisors, the pharmacist-in-charge),
//! and the refusal is shown in place of the form. In 操作员与设置 at a counter, Ctrl+K at a
//! pharmacy.

import { useEffect, useRef, useState } from "react";
import { api } from "../../api";
import type { KeyCardView } from "../../bindings/KeyCardView";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { KeyForm } from "../../components/KeyForm";
import { useSubmit, type FieldFor } from "../../hooks/useSubmit";
import { useT } from "../../i18n";

const fieldFor: FieldFor = (code) => (code === "key_card_path_invalid" || code.startsWith("io") ? "keycardPath" : undefined);

export function KeyCardForm({ autoFocus = false }: { autoFocus?: boolean }) {
  const t = useT();
  const [offer, setOffer] = useState<KeyCardView | null>(null);
  const [path, setPath] = useState("");
  const [written, setWritten] = useState<KeyCardView | null>(null);
  const load = useSubmit();
  const save = useSubmit(fieldFor);
  const pathInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void load.run(async () => {
      const o = await api.keyCardOffer();
      setOffer(o);
      setPath(o.path);
      if (autoFocus) setTimeout(() => pathInput.current?.focus(), 0);
    });
  }, [load.run, autoFocus]);

  function submit() {
    setWritten(null);
    void save.run(async () => setWritten(await api.exportKeyCard(path)));
  }

  return (
    <section className="inline-form keycard" data-testid="keycard">
      <h3>{t("keycard.title")}</h3>
      {load.problem && <ErrorText problem={load.problem} testId="keycard-refused" />}
      {offer && (
        <>
          <p className="keycard-who">
            <span data-testid="keycard-station">{t("keycard.station", { code: offer.station_code, name: offer.station_name })}</span> ·{" "}
            {t("keycard.fingerprintLabel")} <span className="fingerprint" data-testid="keycard-fingerprint">{offer.fingerprint}</span>
          </p>
          <KeyForm onSubmit={submit} problem={save.problem} escBack={false} className="keycard-form">
            <Field
              name="keycardPath"
              label={t("keycard.path")}
              hint={t("keycard.hint", { code: offer.station_code })}
              testId="keycard-path"
              value={path}
              onChange={setPath}
              ref={pathInput}
              lang="en"
              autoCapitalize="off"
              error={errorIn(save.problem, "keycardPath", "keycard-error")}
            />
            <button type="submit" data-testid="keycard-submit" disabled={save.pending}>
              {t("keycard.submit")} <kbd>Enter</kbd>
            </button>
            {errorIn(save.problem, "form", "keycard-error")}
            {written && (
              <p className="notice" role="status" data-testid="keycard-done" ref={(p) => p?.scrollIntoView?.({ block: "nearest" })}>
                {t("keycard.done", { path: written.path })}
              </p>
            )}
          </KeyForm>
        </>
      )}
    </section>
  );
}

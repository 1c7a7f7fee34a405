//! Ctrl+K 收据核验: a keyboard-wedge scanner types the receipt's QR payload into the one input
//! and presses Enter; the core verifies the signature with this station's key and looks the
//! receipt up. What the paper is comes first (the kind signed in the code: a refund voucher
//! says in large letters that nothing may be dispensed against it), then 签名有效 with the
//! station, number, amount and time the code carries, with a warning when the receipt is
//! void, refunded or not on this station's records; a code that
//! is not ours or was altered shows in red. The input is emptied and keeps the focus at once,
//! so the next scan can follow; scans that come faster than the answers are checked in turn.

import { useRef, useState } from "react";
import { api, toIpcError, type IpcError, type CodeMap } from "../api";
import type { CodeCheckView } from "../bindings/CodeCheckView";
import type { ReceiptKind } from "../bindings/ReceiptKind";
import { Dialog } from "../components/Dialog";
import { Field } from "../components/Field";
import { KeyForm } from "../components/KeyForm";
import { formatFen, formatLocal } from "../format";
import { useLang, useT, type MsgKey } from "../i18n";

/** The headline of each refusal; the core's message says the rest. */
const HEADLINE: CodeMap<MsgKey> = {
  qr_unreadable: "qr.unreadable",
  qr_signature_invalid: "qr.signatureInvalid",
  qr_mismatch: "qr.mismatch",
};

type Outcome = { n: number } & ({ view: CodeCheckView; error?: never } | { error: IpcError; view?: never });

export function ReceiptCheckDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [text, setText] = useState("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [waiting, setWaiting] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const scans = useRef(0);

  function submit() {
    const payload = text.trim();
    setText("");
    input.current?.focus();
    if (payload === "") return;
    const n = ++scans.current;
    setWaiting((w) => w + 1);
    queue.current = queue.current.then(async () => {
      try {
        setOutcome({ n, view: await api.checkReceiptCode(payload) });
      } catch (e) {
        setOutcome({ n, error: toIpcError(e) });
      } finally {
        setWaiting((w) => w - 1);
      }
    });
  }

  return (
    <Dialog title={t("qr.title")} onClose={onClose} size="medium">
      <KeyForm onSubmit={submit} escBack={false} className="grid-form">
        <Field
          name="payload"
          label={t("qr.input")}
          hint={t("qr.hint")}
          testId="qr-input"
          value={text}
          onChange={setText}
          ref={input}
          autoFocus
          lang="en"
          autoCapitalize="off"
          autoCorrect="off"
        />
      </KeyForm>
      {waiting > 0 && <p className="muted">{t("qr.checking")}</p>}
      {outcome?.view && <Valid view={outcome.view} n={outcome.n} />}
      {outcome?.error && <Refused error={outcome.error} n={outcome.n} />}
    </Dialog>
  );
}

/** What each kind of paper may not be used for; charges and registrations are what they say. */
const KIND_USE: Partial<Record<ReceiptKind | "unknown", MsgKey>> = {
  refund: "qr.kindUse.refund",
  deposit_refund: "qr.kindUse.deposit_refund",
  deposit: "qr.kindUse.deposit",
  unknown: "qr.kindUse.unknown",
};

function Valid({ view: v, n }: { view: CodeCheckView; n: number }) {
  const t = useT();
  const kind = v.kind ?? "unknown";
  const use = KIND_USE[kind];
  const whole = v.state === "refunded";
  const warned = v.voided || v.refunded_fen > 0 || !v.on_record || (kind !== "charge" && kind !== "registration");
  return (
    <section className={`qr-result ${warned ? "warned" : "ok"}`} data-testid="qr-result" role="status">
      <p className={`qr-kind ${use ? "warn" : ""}`} data-testid="qr-kind" data-kind={kind}>
        <b>{t(`qr.kind.${kind}` as MsgKey)}</b>
        {use && <span className="qr-kind-use">{t(use)}</span>}
      </p>
      <p className="qr-verdict">
        {t("qr.valid")} <span className="muted qr-scan-no">{t("qr.scanNo", { n })}</span>
      </p>
      <dl className="qr-facts">
        <dt>{t("qr.station")}</dt>
        <dd className="code" data-testid="qr-station">{v.station}</dd>
        <dt>{t("receipt.no")}</dt>
        <dd className="code receipt-big" data-testid="qr-receipt-no">{v.receipt_no}</dd>
        <dt>{t("qr.amount")}</dt>
        <dd className="qr-amount" data-testid="qr-amount">{formatFen(v.total_fen)}</dd>
        <dt>{t("qr.issuedAt")}</dt>
        <dd data-testid="qr-issued">{formatLocal(v.issued_at)}</dd>
      </dl>
      {v.voided && <p className="warn" data-testid="qr-voided">{t("qr.voided")}</p>}
      {v.refunded_fen > 0 && (
        <p className="warn" data-testid="qr-refunded">
          {t(whole ? "qr.wholeRefunded" : "qr.refunded", { amount: formatFen(v.refunded_fen) })}
        </p>
      )}
      {v.on_record ? (
        !v.voided && v.refunded_fen === 0 && <p className="qr-on-record">{t("qr.onRecord")}</p>
      ) : (
        <p className="warn" data-testid="qr-not-on-record">{t("qr.notOnRecord", { station: v.station })}</p>
      )}
    </section>
  );
}

function Refused({ error, n }: { error: IpcError; n: number }) {
  const t = useT();
  const { lang } = useLang();
  const headline = HEADLINE[error.code];
  const detail = lang === "en" ? error.message_en : error.message;
  return (
    <section className="qr-result refused" data-testid="qr-error" role="alert">
      <p className="error qr-verdict">
        {headline ? t(headline) : detail || t("error.unknown")} <span className="muted qr-scan-no">{t("qr.scanNo", { n })}</span>
      </p>
      {headline && detail && <p className="error">{detail}</p>}
    </section>
  );
}

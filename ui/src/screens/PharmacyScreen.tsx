//! 药房 (a pharmacy station's whole window, #18). A keyboard-wedge scanner types the receipt's
//! QR payload and Enter into the scan field, which has the focus; the core verifies it offline
//! with the issuing counter's key and answers with the signed drug lines and what this pharmacy
//! already dispensed or took back, when and by whom — or refuses it (unknown station, altered,
//! a refund voucher, voided, already dispensed) and the refusal shows in red. F5 dispenses the
//! quantities in the line fields (all of each line to start with, any part typed instead); a
//! receipt dispensed before needs the pharmacist-in-charge's name, PIN and a reason in place.
//! F8 switches to 退药: type what came back, F8 again records it and shows the return slip's
//! number and code for the counter, and prints the slip through the core's one printing path
//! (Ctrl+P prints it again, marked 副本). Ctrl+T trusts a counter by its key card chosen in the
//! system's file dialog, or by an export batch folder typed in (which also notes the receipts
//! that counter voided); administrators and the pharmacist-in-charge; the fingerprint is shown
//! to compare. Ctrl+K writes this pharmacy's own key card, for the counters to trust its slips.
//! Esc clears and goes back to the scan field; F12 locks,
//! Ctrl+Q logs out. The screen computes nothing: quantities are the core's, as text.

import { useEffect, useRef, useState } from "react";
import { api, toIpcError } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { DispensingView } from "../bindings/DispensingView";
import type { ScanView } from "../bindings/ScanView";
import type { TrustedStationView } from "../bindings/TrustedStationView";
import { ErrorText } from "../components/ErrorText";
import { FilePicker } from "../components/FilePicker";
import { Field, PinField } from "../components/Field";
import { FKeyBar } from "../components/FKeyBar";
import { StatusBar } from "../components/StatusBar";
import { formatFen, formatLocal } from "../format";
import { useHotkeys } from "../hooks/useHotkeys";
import { useIdle } from "../hooks/useIdle";
import { useSubmit } from "../hooks/useSubmit";
import { useT } from "../i18n";
import { LayoutSelect, NOT_PRINTED, PrintStatus, usePrinter, type PrintState } from "../components/printing";
import { KeyCardForm } from "./settings/KeyCardForm";
import { OperatorsDialog } from "./OperatorsDialog";

interface Props {
  status: AppStatus;
  onStatus: (s: AppStatus) => void;
  onLock: () => void;
  hidden: boolean;
}

type Mode = "dispense" | "return";

export function PharmacyScreen({ status, onStatus, onLock, hidden }: Props) {
  const t = useT();
  const [text, setText] = useState("");
  const [payload, setPayload] = useState("");
  const [scan, setScan] = useState<ScanView | null>(null);
  const [mode, setMode] = useState<Mode>("dispense");
  const [qty, setQty] = useState<Record<number, string>>({});
  const [approver, setApprover] = useState("");
  const [approverPin, setApproverPin] = useState("");
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [slip, setSlip] = useState<DispensingView | null>(null);
  const [trusting, setTrusting] = useState(false);
  const [trusted, setTrusted] = useState<TrustedStationView | null>(null);
  const [folder, setFolder] = useState("");
  const [keyCard, setKeyCard] = useState(false);
  /** Ctrl+O: operators and settings (the administrator adds the pharmacists here). */
  const [operators, setOperators] = useState(false);
  const [printState, setPrintState] = useState<PrintState>(NOT_PRINTED);
  const { layout, setLayout } = usePrinter();
  const action = useSubmit();
  const scanInput = useRef<HTMLInputElement>(null);
  const firstQty = useRef<HTMLInputElement>(null);
  useIdle(status.idle_lock_minutes, onLock, !hidden);

  useEffect(() => {
    if (!hidden) scanInput.current?.focus();
  }, [hidden]);

  function fill(view: ScanView, m: Mode) {
    // The first dispensing offers every line whole; anything later is typed.
    const whole = m === "dispense" && !view.dispensed_before;
    setQty(Object.fromEntries(view.lines.map((l) => [l.n, whole ? l.quantity : ""])));
  }

  function clear() {
    setScan(null);
    setPayload("");
    setText("");
    setDone(null);
    setSlip(null);
    setPrintState(NOT_PRINTED);
    setMode("dispense");
    setApprover("");
    setApproverPin("");
    setReason("");
    action.setProblem(null);
    scanInput.current?.focus();
  }

  function doScan() {
    const p = text.trim();
    setText("");
    if (p === "") return;
    setDone(null);
    setSlip(null);
    void action.run(async () => {
      setScan(null);
      setPayload(p);
      const view = await api.pharmacyScan(p);
      setScan(view);
      setMode("dispense");
      fill(view, "dispense");
    });
    scanInput.current?.focus();
  }

  function lines() {
    return Object.entries(qty)
      .filter(([, q]) => q.trim() !== "")
      .map(([n, q]) => ({ n: Number(n), quantity: q.trim() }));
  }

  function dispense() {
    if (!scan) return;
    void action.run(async () => {
      const again = scan.dispensed_before ? { approver: { name: approver, pin: approverPin }, reason } : {};
      const view = await api.pharmacyDispense({ payload, lines: lines(), ...again });
      setScan(view);
      fill(view, "dispense");
      setDone(t("pharmacy.dispensed", { receipt: view.receipt_no }));
      setApproverPin("");
      scanInput.current?.focus();
    });
  }

  function returnKey() {
    if (!scan) return;
    if (mode === "dispense") {
      setMode("return");
      fill(scan, "return");
      setDone(null);
      action.setProblem(null);
      setTimeout(() => firstQty.current?.focus(), 0);
      return;
    }
    void action.run(async () => {
      const d = await api.pharmacyReturn({ payload, lines: lines() });
      setSlip(d);
      if (d.slip_no) void printSlip(d.slip_no);
      const view = await api.pharmacyScan(payload);
      setScan(view);
      setMode("dispense");
      fill(view, "dispense");
      scanInput.current?.focus();
    });
  }

  /** Ctrl+T: a counter's key card (downtime station key), chosen in the system's dialog. */
  function trustPicked() {
    void action.run(async () => setTrusted(await api.pharmacyTrustPicked()));
  }

  /** Ctrl+T, then a batch folder typed and Enter: the counter's key from its export batch. */
  function trustFolder() {
    if (folder.trim() === "") return;
    setTrusted(null);
    void action.run(async () => setTrusted(await api.pharmacyTrustFolder(folder)));
  }

  /** The return slip, printed (after the return) and again on Ctrl+P, a 副本 from then on. */
  async function printSlip(slipNo: string) {
    setPrintState({ pending: true, result: null, problem: null });
    try {
      setPrintState({ pending: false, result: await api.printReturnSlip(slipNo, layout), problem: null });
    } catch (e) {
      setPrintState({ pending: false, result: null, problem: toIpcError(e) });
    }
  }

  function reprintSlip() {
    if (slip?.slip_no && !printState.pending) void printSlip(slip.slip_no);
  }

  async function logout() {
    onStatus(await api.logout());
  }

  useHotkeys(
    {
      F5: dispense,
      "Ctrl+Enter": () => (mode === "return" ? returnKey() : dispense()),
      F8: returnKey,
      Escape: () => {
        setTrusting(false);
        setKeyCard(false);
        clear();
      },
      "Ctrl+T": () => {
        setTrusted(null);
        setKeyCard(false);
        setTrusting(true);
      },
      "Ctrl+K": () => {
        setTrusting(false);
        setKeyCard(true);
      },
      "Ctrl+P": reprintSlip,
      "Ctrl+O": () => setOperators(true),
      F12: onLock,
      "Ctrl+Q": () => void logout(),
    },
    !hidden && !operators,
  );

  return (
    <div className="shell" hidden={hidden} data-testid="pharmacy-screen">
      <StatusBar status={status} />
      <main className="screen pharmacy">
        <form
          className="grid-form"
          onSubmit={(e) => {
            e.preventDefault();
            doScan();
          }}
        >
          <Field
            name="scan"
            label={t("pharmacy.scan")}
            hint={t("pharmacy.scanHint")}
            testId="pharmacy-scan"
            value={text}
            onChange={setText}
            ref={scanInput}
            autoFocus
            lang="en"
            autoCapitalize="off"
            autoCorrect="off"
          />
        </form>
        {trusting && (
          <div className="panel slip" data-testid="pharmacy-trust">
            <FilePicker
              label={t("pharmacy.trustPick")}
              title={t("pharmacy.trustPick")}
              filterName={t("pharmacy.trustFilter")}
              extensions={["json"]}
              testId="pharmacy-trust-pick"
              fromDisk
              onPick={trustPicked}
              hint={t("pharmacy.trustHint")}
            />
            <form
              onSubmit={(e) => {
                e.preventDefault();
                trustFolder();
              }}
            >
              <Field
                name="trustFolder"
                label={t("pharmacy.trustFolder")}
                hint={t("pharmacy.trustFolderHint")}
                testId="pharmacy-trust-folder"
                value={folder}
                onChange={setFolder}
                lang="en"
                autoCapitalize="off"
                autoCorrect="off"
              />
            </form>
            {trusted && (
              <p data-testid="pharmacy-trusted">
                {t("pharmacy.trusted", { code: trusted.station_code, name: trusted.station_name })}{" "}
                <span className="fingerprint">{trusted.fingerprint}</span>
                {trusted.voids_noted > 0 && <> {t("pharmacy.trustedVoids", { n: trusted.voids_noted })}</>}
              </p>
            )}
          </div>
        )}
        {keyCard && (
          <div className="panel slip">
            <KeyCardForm autoFocus />
          </div>
        )}
        {action.pending && <p className="muted">{t("common.working")}</p>}
        {action.problem && (
          <div className="refusal" data-testid="pharmacy-refused">
            <ErrorText problem={action.problem} testId="pharmacy-error" />
          </div>
        )}
        {done && (
          <p className="success big" data-testid="pharmacy-done">
            {done}
          </p>
        )}
        {slip && (
          <div className="panel slip" data-testid="pharmacy-slip">
            <p>
              <b className="big">{t("pharmacy.slip", { slip: slip.slip_no ?? "" })}</b> <span className="muted">{t("pharmacy.slipHint")}</span>
            </p>
            <code className="payload">{slip.slip_payload}</code>
            <div className="slip-print">
              <LayoutSelect layout={layout} onChange={setLayout} />
              <PrintStatus state={printState} testId="pharmacy-slip-print" pathTestId="pharmacy-slip-pdf" />
            </div>
          </div>
        )}
        {scan && (
          <section className="panel pharmacy-receipt" data-testid="pharmacy-receipt">
            <p className="verdict">
              {t("pharmacy.valid")} · <b className="big">{scan.receipt_no}</b> · {t("pharmacy.station")} {scan.station} {scan.station_name} ·{" "}
              {t("pharmacy.patient")} {scan.patient} · {formatLocal(scan.time)} · {formatFen(scan.total_fen)}
            </p>
            {scan.dispensed_before && mode === "dispense" && (
              <div className="again-row" data-testid="pharmacy-again">
                <p className="error compact">{t("pharmacy.againNeeds")}</p>
                <Field name="approver" label={t("pharmacy.approver")} testId="pharmacy-approver" value={approver} onChange={setApprover} />
                <PinField name="approverPin" label={t("pharmacy.approverPin")} testId="pharmacy-approver-pin" value={approverPin} onChange={setApproverPin} />
                <Field name="reason" label={t("pharmacy.reason")} testId="pharmacy-reason" value={reason} onChange={setReason} />
              </div>
            )}
            <table className="batches" data-testid="pharmacy-lines">
              <thead>
                <tr>
                  <th>{t("pharmacy.line")}</th>
                  <th>{t("pharmacy.code")}</th>
                  <th>{t("pharmacy.signedQty")}</th>
                  <th>{t("pharmacy.dispensedQty")}</th>
                  <th>{t("pharmacy.returnedQty")}</th>
                  <th>{mode === "return" ? t("pharmacy.returnNow") : t("pharmacy.dispenseNow")}</th>
                </tr>
              </thead>
              <tbody>
                {scan.lines.map((l, i) => (
                  <tr key={l.n}>
                    <td>{l.n}</td>
                    <td>
                      {l.code} {l.short_name && <span className="muted">{l.short_name}</span>}
                    </td>
                    <td>{l.quantity}</td>
                    <td>{l.dispensed}</td>
                    <td>{l.returned}</td>
                    <td>
                      <input
                        ref={i === 0 ? firstQty : undefined}
                        data-testid={`pharmacy-qty-${l.n}`}
                        value={qty[l.n] ?? ""}
                        size={6}
                        onFocus={(e) => e.target.select()}
                        onChange={(e) => setQty({ ...qty, [l.n]: e.target.value })}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {scan.already.length > 0 && (
              <ul className="history" data-testid="pharmacy-history">
                {scan.already.map((d, i) => (
                  <li key={i}>
                    {formatLocal(d.at)} {d.kind === "return" ? t("pharmacy.kindReturn") : t("pharmacy.kindDispense")}{" "}
                    {d.lines.map((l) => `${l.n}:${l.quantity}`).join(" ")} · {d.by}
                    {d.approver && ` · ${t("pharmacy.approvedBy", { name: d.approver })}（${d.reason}）`}
                    {d.slip_no && ` · ${d.slip_no}`}
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
      </main>
      <FKeyBar
        keys={[
          { key: "Enter", label: t("pharmacy.keyScan") },
          { key: "F5", label: t("pharmacy.keyDispense"), run: dispense },
          { key: "F8", label: mode === "return" ? t("pharmacy.keyReturnConfirm") : t("pharmacy.keyReturn"), run: returnKey },
          { key: "Esc", label: t("pharmacy.keyClear"), run: clear },
          ...(slip?.slip_no ? [{ key: "Ctrl+P", label: t("pharmacy.keyPrintSlip"), run: reprintSlip }] : []),
          { key: "Ctrl+T", label: t("pharmacy.keyTrust"), run: () => setTrusting(true) },
          { key: "Ctrl+K", label: t("pharmacy.keyKeyCard"), run: () => setKeyCard(true) },
          { key: "Ctrl+O", label: t("nav.operators"), run: () => setOperators(true) },
          { key: "F12", label: t("nav.lock"), run: onLock },
          { key: "Ctrl+Q", label: t("nav.logout"), run: () => void logout() },
        ]}
      />
      {operators && !hidden && (
        <OperatorsDialog status={status} onStatus={onStatus} onClose={() => setOperators(false)} onOpenDepts={() => undefined} onOpenRegTypes={() => undefined} />
      )}
    </div>
  );
}

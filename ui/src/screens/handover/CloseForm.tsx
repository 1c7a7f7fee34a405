//! 交班清点: the cash counted, as one total or by denomination (Ctrl+D switches), held against
//! what the records expect as it is typed — the core answers each change with the expected
//! cash, the count and the difference, and whether a reason or a supervisor is needed. A
//! supervisor approves in place (name and PIN here), never the one closing. Enter moves on and
//! closes from the last field; the core has the last word on every rule.

import { useEffect, useRef, useState } from "react";
import { api, type CodeMap } from "../../api";
import type { CountCheck } from "../../bindings/CountCheck";
import type { CountInput } from "../../bindings/CountInput";
import type { ShiftClosedView } from "../../bindings/ShiftClosedView";
import { ErrorText, errorIn } from "../../components/ErrorText";
import { Field } from "../../components/Field";
import { FormButtons } from "../../components/FormButtons";
import { KeyForm } from "../../components/KeyForm";
import { SUPERVISOR_FIELDS, SupervisorFields, useSupervisor } from "../../components/SupervisorFields";
import { formatFen, parseWhole, parseYuan } from "../../format";
import { useDraft, useKept } from "../../hooks/useDraft";
import { useHotkeys } from "../../hooks/useHotkeys";
import { useSubmit, type FieldFor, type Problem } from "../../hooks/useSubmit";
import { useT } from "../../i18n";

/** The notes and coins counted at a counter, largest first (in fen). */
export const DENOMINATIONS = [10000, 5000, 2000, 1000, 500, 100, 50, 10];

type Mode = "total" | "notes";

const FIELD_OF: CodeMap<string> = {
  amount_invalid: "total",
  amount_out_of_range: "total",
  amount_too_precise: "total",
  cash_count_missing: "total",
  shift_difference_needs_reason: "reason",
  text_empty: "reason",
  text_control_chars: "reason",
  text_too_long: "reason",
  shift_difference_needs_supervisor: "supName",
  shift_approver_is_operator: "supName",
  ...SUPERVISOR_FIELDS,
};
const fieldFor: FieldFor = (code) => FIELD_OF[code];

/** The yuan label of a denomination: `¥100`, `¥0.5`. */
function noteLabel(fen: number): string {
  return fen >= 100 ? `¥${fen / 100}` : `¥0.${fen / 10}`;
}

interface Props {
  keysOn: boolean;
  onClosed: (v: ShiftClosedView) => void;
  onBack: () => void;
}

export function CloseForm({ keysOn, onClosed, onBack }: Props) {
  const t = useT();
  const [mode, setMode] = useKept<Mode>("handover.mode", "total");
  const [total, setTotal, clearTotal] = useDraft("handover.total");
  const [notes, setNotes, clearNotes] = useKept<Record<string, string>>("handover.notes", {});
  const [reason, setReason, clearReason] = useDraft("handover.reason");
  const sup = useSupervisor(useDraft("handover.supName"));
  const [check, setCheck] = useState<CountCheck | null>(null);
  const [checkProblem, setCheckProblem] = useState<Problem | null>(null);
  const { pending, problem, setProblem, run } = useSubmit(fieldFor);
  const first = useRef<HTMLInputElement>(null);

  /** The count as typed: `null` when nothing is typed yet, `"bad"` when it is not a count. */
  function count(): CountInput | "bad" | null {
    if (mode === "total") {
      if (total.trim() === "") return null;
      const fen = parseYuan(total);
      return fen === null ? "bad" : { counted_fen: fen, denominations: null };
    }
    const typed = DENOMINATIONS.filter((d) => (notes[d] ?? "").trim() !== "");
    if (typed.length === 0) return null;
    const counts = typed.map((d) => ({ value_fen: d, count: parseWhole(notes[d]) }));
    if (counts.some((c) => c.count === null)) return "bad";
    return { counted_fen: null, denominations: counts.map((c) => ({ value_fen: c.value_fen, count: c.count ?? 0 })) };
  }

  // Each change is checked by the core (a little after the last key), so the difference and
  // what it needs show while the cash is counted.
  const typedKey = mode === "total" ? total : JSON.stringify(notes);
  useEffect(() => {
    const c = count();
    if (c === null || c === "bad") {
      setCheck(null);
      setCheckProblem(c === "bad" ? { key: mode === "total" ? "handover.amountInvalid" : "handover.countInvalid" } : null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api
        .checkCount(c)
        .then((r) => {
          if (!live) return;
          setCheck(r);
          setCheckProblem(null);
        })
        .catch((e) => live && setCheckProblem({ ipc: e }));
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [mode, typedKey]);

  useEffect(() => {
    first.current?.focus();
  }, [mode]);

  useHotkeys({ "Ctrl+D": () => setMode(mode === "total" ? "notes" : "total") }, keysOn);

  const supShown = check?.needs_supervisor === true || (problem?.field !== undefined && ["supName", "supPin"].includes(problem.field));

  function submit() {
    const c = count();
    if (c === null || c === "bad") {
      setProblem({ key: c === "bad" && mode === "notes" ? "handover.countInvalid" : "handover.amountInvalid", field: mode === "total" ? "total" : `n${DENOMINATIONS[0]}` });
      return;
    }
    if (supShown) {
      const missing = sup.missing();
      if (missing) {
        setProblem(missing);
        return;
      }
    }
    void run(async () => {
      const closed = await api.closeShift({ count: c, reason: reason.trim(), supervisor: supShown ? sup.credentials() : null });
      [clearTotal, clearNotes, clearReason].forEach((clear) => clear());
      sup.setName("");
      onClosed(closed);
    }).then((failed) => {
      if (failed) sup.setPin("");
    });
  }

  const err = (slot: string) => errorIn(problem, slot, "handover-error");
  const diff = check?.difference_fen ?? null;
  return (
    <KeyForm onSubmit={submit} problem={problem} onBackOut={onBack} className="close-form" testId="close-form">
      <div className="close-head">
        <h2>
          {t("handover.closeTitle")} <kbd>F10</kbd>
        </h2>
        <div className="mode-switch" role="radiogroup" aria-label={t("handover.keyMode")}>
          {(["total", "notes"] as Mode[]).map((m) => (
            <button
              key={m}
              type="button"
              role="radio"
              aria-checked={mode === m}
              className={mode === m ? "chosen" : "quiet"}
              data-testid={`count-mode-${m}`}
              onClick={() => setMode(m)}
            >
              {t(m === "total" ? "handover.modeTotal" : "handover.modeNotes")}
            </button>
          ))}
          <kbd>Ctrl+D</kbd>
        </div>
      </div>
      {mode === "total" ? (
        <Field
          ref={first}
          name="total"
          label={t("handover.total")}
          testId="shift-counted"
          inputMode="decimal"
          big
          value={total}
          onChange={setTotal}
          error={err("total")}
        />
      ) : (
        <div>
          <p className="field-hint">{t("handover.notesHint")}</p>
          <div className="notes-grid" data-testid="count-notes">
            {DENOMINATIONS.map((d, i) => (
              <Field
                key={d}
                ref={i === 0 ? first : undefined}
                name={`n${d}`}
                label={noteLabel(d)}
                testId={`count-${d}`}
                inputMode="numeric"
                value={notes[d] ?? ""}
                onChange={(v) => setNotes({ ...notes, [d]: v })}
              />
            ))}
          </div>
          {err(`n${DENOMINATIONS[0]}`)}
        </div>
      )}
      <dl className="count-check" data-testid="count-check" aria-live="polite">
        <dt>{t("handover.expected")}</dt>
        <dd>{check ? formatFen(check.expected_cash_fen) : "—"}</dd>
        <dt>{t("handover.counted")}</dt>
        <dd data-testid="count-counted">{check ? formatFen(check.counted_fen) : "—"}</dd>
        <dt>{t("report.difference")}</dt>
        <dd className={diff !== null && diff !== 0 ? "diff big" : "big"} data-testid="count-difference">
          {diff === null ? "—" : formatFen(diff)}
        </dd>
      </dl>
      {checkProblem && <ErrorText problem={checkProblem} testId="count-check-error" />}
      {diff === 0 && <p className="ok-line">{t("handover.exact")}</p>}
      <Field
        name="reason"
        label={t(check?.needs_reason ? "handover.reasonNeeded" : "handover.reason")}
        placeholder={t("handover.reasonHint")}
        testId="shift-reason"
        value={reason}
        onChange={setReason}
        error={err("reason")}
      />
      {supShown && (
        <SupervisorFields
          sup={sup}
          prefix="shift"
          errorFor={err}
          legend="handover.supervisor"
          legendVars={{ threshold: check ? formatFen(check.threshold_fen) : "—" }}
          className="supervisor tight"
        />
      )}
      {err("form")}
      <FormButtons submit="handover.submit" testId="shift-submit" pending={pending} back="fkey.home" onBack={onBack} kind="danger" />
    </KeyForm>
  );
}

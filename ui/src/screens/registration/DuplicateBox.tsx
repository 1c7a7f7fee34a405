//! When the core says a new patient may already exist: its message, the patients a search
//! found, and the choices. "选用已有患者" pins the highlighted one; "确是另一人，继续新建"
//! (only for a possible duplicate, never for an ID number already known) creates anyway.
//! ↑/↓ move the highlight, Esc goes back to the field to correct.

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { PatientView } from "../../bindings/PatientView";
import { ErrorText } from "../../components/ErrorText";
import type { Problem } from "../../hooks/useSubmit";
import { useT } from "../../i18n";
import { maskId, PatientNo, sexAge } from "../../components/PatientCard";

interface Props {
  problem: Problem;
  /** The search's matches; null while it runs. */
  candidates: PatientView[] | null;
  allowCreate: boolean;
  busy: boolean;
  onUse: (p: PatientView) => void;
  onCreate: () => void;
  onBack: () => void;
}

export function DuplicateBox({ problem, candidates, allowCreate, busy, onUse, onCreate, onBack }: Props) {
  const t = useT();
  const [active, setActive] = useState(0);
  const use = useRef<HTMLButtonElement>(null);
  const create = useRef<HTMLButtonElement>(null);
  const items = candidates ?? [];

  // The next keystroke is the decision: picking the existing patient when there is one.
  useEffect(() => {
    if (candidates === null) return;
    setActive(0);
    (candidates.length > 0 ? use.current : create.current)?.focus();
  }, [candidates]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (items.length === 0) return;
      e.preventDefault();
      setActive((i) => (e.key === "ArrowDown" ? Math.min(i + 1, items.length - 1) : Math.max(i - 1, 0)));
    } else if (e.key === "Escape") {
      e.preventDefault();
      onBack();
    }
  }

  return (
    <div className="dup-box" data-testid="dup-warning" onKeyDown={onKeyDown}>
      <ErrorText problem={problem} testId="np-error" />
      {candidates === null ? (
        <p className="muted">{t("common.working")}</p>
      ) : (
        items.length > 0 && (
          <ul className="dup-list" role="listbox" aria-label={t("np.dupListLabel")}>
            {items.map((p, i) => (
              <li
                key={p.id}
                role="option"
                aria-selected={i === active}
                className={`patient-row ${i === active ? "active" : ""}`}
                data-testid="dup-row"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => setActive(i)}
                onDoubleClick={() => onUse(p)}
              >
                <span className="patient-row-name">
                  {p.name} <span className="row-facts">{sexAge(p, t)}</span>
                </span>
                <PatientNo p={p} />
                <span className="row-facts">
                  {p.birth ?? ""} {p.id_number ? maskId(p.id_number) : ""} {p.phone}
                </span>
              </li>
            ))}
          </ul>
        )
      )}
      <div className="button-row">
        {items.length > 0 && (
          <button ref={use} type="button" className="primary" data-testid="dup-use-existing" disabled={busy} onClick={() => onUse(items[active])}>
            {t("np.dupUseExisting")} <kbd>Enter</kbd>
          </button>
        )}
        {allowCreate && (
          <button ref={create} type="button" data-testid="dup-create-anyway" disabled={busy} onClick={onCreate}>
            {t("np.dupCreateAnyway")}
          </button>
        )}
        <span className="field-hint">{t("np.dupBackHint")}</span>
      </div>
    </div>
  );
}

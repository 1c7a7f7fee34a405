//! 在院患者: the admissions not cancelled, newest first (the core's list). ↑/↓ choose a row,
//! Enter (or a click) opens its deposit account; Esc goes back to the patient search.

import { useId, useImperativeHandle, useRef, type KeyboardEvent, type Ref } from "react";
import type { AdmissionView } from "../../bindings/AdmissionView";
import { ErrorText } from "../../components/ErrorText";
import { formatLocal } from "../../format";
import type { Problem } from "../../hooks/useSubmit";
import { useT } from "../../i18n";
import { whereOf } from "./AdmResult";

interface Props {
  admissions: AdmissionView[] | null;
  loadProblem: Problem | null;
  /** The admission whose account is open (or would open with F7). */
  selectedNo: string | null;
  onSelect: (a: AdmissionView) => void;
  onOpen: (a: AdmissionView) => void;
  onBackOut: () => void;
  listRef?: Ref<HTMLUListElement>;
}

export function AdmissionList({ admissions, loadProblem, selectedNo, onSelect, onOpen, onBackOut, listRef }: Props) {
  const t = useT();
  const listId = useId();
  const list = useRef<HTMLUListElement>(null);
  useImperativeHandle(listRef, () => list.current!, []);
  const rows = admissions ?? [];
  const index = rows.findIndex((a) => a.inpatient_no === selectedNo);

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        if (rows.length === 0) return;
        e.preventDefault();
        const i = index < 0 ? 0 : e.key === "ArrowDown" ? Math.min(index + 1, rows.length - 1) : Math.max(index - 1, 0);
        onSelect(rows[i]);
        return;
      }
      case "Enter":
        if (rows.length === 0) return;
        e.preventDefault();
        onOpen(rows[Math.max(index, 0)]);
        return;
      case "Escape":
        e.preventDefault();
        onBackOut();
        return;
    }
  }

  return (
    <section className="panel reg-today adm-list-panel">
      <h2>{t("adm.listTitle")}</h2>
      {loadProblem && <ErrorText problem={loadProblem} testId="adm-list-error" />}
      <ul
        ref={list}
        className="today-list adm-list"
        role="listbox"
        id={listId}
        tabIndex={0}
        aria-label={t("adm.listTitle")}
        aria-activedescendant={index >= 0 ? `${listId}-${index}` : undefined}
        data-testid="adm-list"
        onKeyDown={onKeyDown}
      >
        {admissions !== null && rows.length === 0 && <li className="muted today-empty">{t("adm.listEmpty")}</li>}
        {rows.map((a, i) => (
          <li
            key={a.inpatient_no}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === index}
            className={`today-row adm-row ${i === index ? "active" : ""}`}
            data-testid="adm-row"
            title={`${a.inpatient_no} ${a.patient_name} ${whereOf(a, t)} ${formatLocal(a.admitted_at)}`}
            onClick={() => onOpen(a)}
          >
            <span className="code adm-row-no">{a.inpatient_no}</span>
            <span className="today-main">
              <span className="today-who">{a.patient_name}</span> <span className="row-facts">{whereOf(a, t)}</span>
            </span>
            <span className="row-facts">{formatLocal(a.admitted_at)}</span>
          </li>
        ))}
      </ul>
      <p className="field-hint">{t("adm.listHint")}</p>
    </section>
  );
}

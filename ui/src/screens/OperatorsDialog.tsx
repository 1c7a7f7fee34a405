//! Ctrl+O 操作员与设置: the list (role, lock status) and, for administrators, adding an operator, the
//! idle-lock minutes, the receipt printer (everyone sees which printer is in use) and the
//! automatic backup folder (`settings/BackupForm`, opened on demand), this
//! station's key card (`settings/KeyCardForm`, offered to whoever may trust keys); under the
//! list, 编辑科室表 opens the department list and 编辑号别与挂号费 the registration types (Esc
//! there comes back here). Who may change what is
//! decided by the core (`role_forbidden` otherwise).

import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { OperatorView } from "../bindings/OperatorView";
import type { Role } from "../bindings/Role";
import { Dialog } from "../components/Dialog";
import { ErrorText, errorIn } from "../components/ErrorText";
import { Field, PinField } from "../components/Field";
import { KeyForm } from "../components/KeyForm";
import { formatLocal } from "../format";
import { useDraft } from "../hooks/useDraft";
import { useSubmit, type FieldFor } from "../hooks/useSubmit";
import { roleKey, useT } from "../i18n";
import type { Notice } from "./notice";
import { IdleLockForm } from "./IdleLockForm";
import { BackupForm } from "./settings/BackupForm";
import { KeyCardForm } from "./settings/KeyCardForm";
import { PrinterForm } from "./settings/PrinterForm";
import { ThresholdForm } from "./settings/ThresholdForm";

const fieldFor: FieldFor = (code) => (code.startsWith("pin_") ? "pin" : code === "operator_exists" ? "name" : undefined);

interface Props {
  status: AppStatus;
  onStatus: (s: AppStatus, notice: Notice) => void;
  onClose: () => void;
  /** Opens the department list (科室表). */
  onOpenDepts: () => void;
  /** Back from the department list: the focus returns to its button. */
  focusDepts?: boolean;
  /** Opens the registration types and their fees (号别与挂号费). */
  onOpenRegTypes: () => void;
  /** Back from the registration types: the focus returns to its button. */
  focusRegTypes?: boolean;
}

export function OperatorsDialog({ status, onStatus, onClose, onOpenDepts, focusDepts, onOpenRegTypes, focusRegTypes }: Props) {
  const t = useT();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [operators, setOperators] = useState<OperatorView[] | null>(null);
  const list = useSubmit();
  const load = useCallback(() => list.run(async () => setOperators(await api.listOperators())), [list.run]);
  useEffect(() => {
    void load();
  }, [load]);

  const [name, setName, clearName] = useDraft("op.name");
  /** The roles that have work at this station (the core's list for its kind). */
  const roles: Role[] = status.station?.roles ?? [];
  const [role, setRole] = useDraft("op.role", roles[0] ?? "cashier");
  const [pin, setPin] = useState("");
  /** The key card form opens on demand: the dialog's usual work fits the counter screen. */
  const [keyCardOpen, setKeyCardOpen] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const deptsButton = useRef<HTMLButtonElement>(null);
  const regTypesButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusDepts) deptsButton.current?.focus();
  }, [focusDepts]);
  useEffect(() => {
    if (focusRegTypes) regTypesButton.current?.focus();
  }, [focusRegTypes]);
  const add = useSubmit(fieldFor);
  const managesOperators = status.may.includes("manage_operators");
  const changesSettings = status.may.includes("change_settings");

  function submit() {
    setNotice(null);
    void add
      .run(async () => {
        const added = await api.addOperator({ name, role: role as Role, pin });
        clearName();
        setNotice({ key: "notice.operatorAdded", vars: { name: added.name } });
        nameInput.current?.focus(); // ready for the next one
        await load();
      })
      .then(() => setPin(""));
  }

  return (
    <Dialog title={t("ops.title")} onClose={onClose} size="full">
      {/* Three columns, so the whole dialog is seen at once on a 1366×700 window. */}
      <div className="ops-cols">
        <div>
          <div className="op-list-box">
            {operators === null && !list.problem && <p className="muted">{t("ops.loading")}</p>}
            {list.problem && <ErrorText problem={list.problem} testId="op-list-error" />}
            {operators && <OperatorTable operators={operators} />}
          </div>
          <section className="inline-form">
            <h3>{t("ops.listsTitle")}</h3>
            <div className="button-row">
              <button ref={deptsButton} type="button" data-testid="dept-open" onClick={onOpenDepts}>
                {t("dept.open")}
              </button>
              <button ref={regTypesButton} type="button" data-testid="regtype-open" onClick={onOpenRegTypes}>
                {t("regtype.open")}
              </button>
            </div>
          </section>
          <ThresholdForm canChange={changesSettings} />
        </div>
        <div>
          <h3>{t("ops.addTitle")}</h3>
          {!managesOperators && <p className="field-hint">{t("ops.adminOnly")}</p>}
          <KeyForm onSubmit={submit} problem={add.problem} escBack={false} className="grid-form">
            <Field name="name" label={t("ops.name")} testId="op-name" value={name} onChange={setName} ref={nameInput} autoFocus error={errorIn(add.problem, "name", "op-error")} />
            <label className="field">
              <span className="field-label">{t("ops.role")}</span>
              <select name="role" data-testid="op-role" value={role} onChange={(e) => setRole(e.target.value)}>
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {t(roleKey(r))}
                  </option>
                ))}
              </select>
            </label>
            <PinField name="pin" label={t("ops.pin")} testId="op-pin" value={pin} onChange={setPin} error={errorIn(add.problem, "pin", "op-error")} />
            {errorIn(add.problem, "form", "op-error")}
            {notice && (
              <p className="notice" role="status" data-testid="op-notice">
                {t(notice.key, notice.vars)}
              </p>
            )}
            <button type="submit" className="primary" data-testid="op-submit" disabled={add.pending}>
              {t("ops.submit")} <kbd>Enter</kbd>
            </button>
          </KeyForm>
          {status.may.includes("trust_stations") &&
            (keyCardOpen ? (
              <KeyCardForm autoFocus />
            ) : (
              <section className="inline-form keycard">
                <h3>{t("keycard.title")}</h3>
                <button type="button" data-testid="keycard-open" onClick={() => setKeyCardOpen(true)}>
                  {t("keycard.open")}
                </button>
              </section>
            ))}
        </div>
        <div>
          {changesSettings && <IdleLockForm minutes={status.idle_lock_minutes} onStatus={onStatus} />}
          <PrinterForm canChange={changesSettings} />
          <BackupForm canChange={changesSettings} />
        </div>
      </div>
    </Dialog>
  );
}

function OperatorTable({ operators }: { operators: OperatorView[] }) {
  const t = useT();
  if (operators.length === 0) return <p className="muted" data-testid="op-list">{t("ops.empty")}</p>;
  return (
    <table className="table" data-testid="op-list">
      <thead>
        <tr>
          <th>{t("ops.colName")}</th>
          <th>{t("ops.colRole")}</th>
          <th>{t("ops.colStatus")}</th>
        </tr>
      </thead>
      <tbody>
        {operators.map((op) => (
          <tr key={op.id}>
            <td>{op.name}</td>
            <td>{t(roleKey(op.role))}</td>
            <td className={op.locked_until ? "locked" : undefined}>
              {op.locked_until ? t("ops.lockedUntil", { time: formatLocal(op.locked_until) }) : t("ops.ok")}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

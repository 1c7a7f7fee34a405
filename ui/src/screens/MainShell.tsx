//! The logged-in window: status bar, outage line, the home actions with their keys, the
//! function-key bar, and one dialog at a time. F10 shift, F11 outage, F3 operators,
//! F4 verify, F12 lock, Ctrl+Q log out, Esc closes the dialog (typed text is kept).

import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import { ErrorText } from "../components/ErrorText";
import { FKeyBar, type FKey } from "../components/FKeyBar";
import { OutageLine } from "../components/OutageLine";
import { openShift, StatusBar } from "../components/StatusBar";
import { DraftProvider } from "../hooks/useDraft";
import { useHotkeys } from "../hooks/useHotkeys";
import { useIdle } from "../hooks/useIdle";
import { useSubmit } from "../hooks/useSubmit";
import { useT } from "../i18n";
import type { Notice } from "./notice";
import { OperatorsDialog } from "./OperatorsDialog";
import { OutageDialog } from "./OutageDialog";
import { ShiftDialog } from "./ShiftDialog";
import { VerifyDialog } from "./VerifyDialog";

type DialogId = "shift" | "outage" | "operators" | "verify";

interface Action {
  id: string;
  key: string;
  label: string;
  run: () => void;
}

interface Props {
  status: AppStatus;
  onStatus: (s: AppStatus) => void;
  onLock: () => void;
  /** True while the lock screen is up: the shell keeps its state but shows and hears nothing. */
  hidden: boolean;
}

export function MainShell(props: Props) {
  return (
    <DraftProvider>
      <Shell {...props} />
    </DraftProvider>
  );
}

function Shell({ status, onStatus, onLock, hidden }: Props) {
  const t = useT();
  const [dialog, setDialog] = useState<DialogId | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const logout = useSubmit();
  const tiles = useRef(new Map<string, HTMLButtonElement>());
  const lastDialog = useRef<DialogId | null>(null);

  const open = (id: DialogId) => {
    lastDialog.current = id;
    setNotice(null);
    setDialog(id);
  };
  const close = () => setDialog(null);
  const done = (next: AppStatus, n: Notice) => {
    onStatus(next);
    setNotice(n);
    setDialog(null);
  };
  const doLogout = () => void logout.run(async () => onStatus(await api.logout()));

  // On the home screen the focus sits on an action: the one just used, else the first.
  useEffect(() => {
    if (dialog === null && !hidden) tiles.current.get(lastDialog.current ?? "shift")?.focus();
  }, [dialog, hidden]);

  const outageActive = status.outage?.active === true;
  const actions: Action[] = [
    { id: "shift", key: "F10", label: t(openShift(status.shift) ? "nav.shiftClose" : "nav.shiftOpen"), run: () => open("shift") },
    { id: "outage", key: "F11", label: t(outageActive ? "nav.outageEnd" : "nav.outageStart"), run: () => open("outage") },
    { id: "operators", key: "F3", label: t("nav.operators"), run: () => open("operators") },
    { id: "verify", key: "F4", label: t("nav.verify"), run: () => open("verify") },
    { id: "lock", key: "F12", label: t("nav.lock"), run: onLock },
    { id: "logout", key: "Ctrl+Q", label: t("nav.logout"), run: doLogout },
  ];

  const keys: Record<string, () => void> = Object.fromEntries(actions.map((a) => [a.key, a.run]));
  if (dialog) keys.Escape = close;
  useHotkeys(keys, !hidden);
  useIdle(status.idle_lock_minutes, onLock, !hidden);

  const bar: FKey[] = [
    ...(dialog ? [{ key: "Enter", label: t("fkey.next") }, { key: "Esc", label: t("fkey.close"), run: close }] : []),
    ...actions.map((a) => ({ key: a.key, label: a.label, run: a.run })),
  ];

  return (
    <div className="shell" hidden={hidden}>
      {/* While a dialog is open, Tab and clicks stay inside it. */}
      <div className="shell-frame" inert={dialog !== null}>
        <StatusBar status={status} />
        <OutageLine outage={status.outage} />
        <main className="home">
          <h1 className="home-title">{t("home.title")}</h1>
          {notice && (
            <p className="notice" data-testid="notice" role="status">
              {t(notice.key, notice.vars)}
            </p>
          )}
          {logout.problem && <ErrorText problem={logout.problem} testId="logout-error" />}
          <nav className="tiles">
            {actions.map((a) => (
              <button
                key={a.id}
                type="button"
                className="tile"
                data-testid={`nav-${a.id}`}
                ref={(el) => {
                  if (el) tiles.current.set(a.id, el);
                }}
                onClick={a.run}
              >
                <kbd>{a.key}</kbd>
                <span>{a.label}</span>
              </button>
            ))}
          </nav>
        </main>
      </div>
      <FKeyBar keys={bar} />
      {dialog === "shift" && <ShiftDialog status={status} onDone={done} onClose={close} />}
      {dialog === "outage" && <OutageDialog status={status} onDone={done} onClose={close} />}
      {dialog === "operators" && <OperatorsDialog status={status} onStatus={done} onClose={close} />}
      {dialog === "verify" && <VerifyDialog onClose={close} />}
    </div>
  );
}

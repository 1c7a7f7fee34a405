//! Which screen shows, from the core's `AppStatus`: the database error page, first-start
//! setup, login, or the shell — a pharmacy station's own screen (#18) — with the lock screen
//! over it when locked.

import { useEffect, useState } from "react";
import { api, toIpcError, type IpcError } from "./api";
import type { AppStatus } from "./bindings/AppStatus";
import { useHotkeys } from "./hooks/useHotkeys";
import { useUndoBound } from "./hooks/useUndoBound";
import { useLang, useT } from "./i18n";
import { FatalScreen } from "./screens/FatalScreen";
import { LockScreen } from "./screens/LockScreen";
import { LoginScreen } from "./screens/LoginScreen";
import { MainShell } from "./screens/MainShell";
import { PharmacyScreen } from "./screens/PharmacyScreen";
import { SetupScreen } from "./screens/SetupScreen";

export function App() {
  const t = useT();
  const { toggle } = useLang();
  const [status, setStatus] = useState<AppStatus | null>(null);
  const [fatal, setFatal] = useState<IpcError | null>(null);
  const [locked, setLocked] = useState(false);
  useHotkeys({ "Ctrl+L": toggle });
  useUndoBound();

  useEffect(() => {
    api.appStatus().then(setStatus, (e: unknown) => setFatal(toIpcError(e)));
  }, []);

  const unlocked = (next: AppStatus) => {
    setStatus(next);
    setLocked(false);
  };

  const recovered = (next: AppStatus) => {
    setFatal(null);
    setStatus(next);
  };

  if (fatal) return <FatalScreen error={fatal} onStatus={recovered} />;
  if (!status) return <p className="loading">{t("common.working")}</p>;
  if (!status.station) return <SetupScreen onDone={setStatus} />;
  if (!status.operator) return <LoginScreen status={status} onStatus={setStatus} />;
  return (
    <>
      {status.station.kind === "pharmacy" ? (
        <PharmacyScreen status={status} onStatus={setStatus} onLock={() => setLocked(true)} hidden={locked} />
      ) : (
        <MainShell status={status} onStatus={setStatus} onLock={() => setLocked(true)} hidden={locked} />
      )}
      {locked && <LockScreen status={status} onUnlocked={unlocked} onSwitched={unlocked} />}
    </>
  );
}

//! F1 帮助: every key of the screen underneath, from the same list the key bar shows, and the
//! keys kept for screens that are not there yet.

import { Dialog } from "../components/Dialog";
import type { FKey } from "../components/FKeyBar";
import { useT } from "../i18n";

interface Props {
  keys: FKey[];
  soon: FKey[];
  onClose: () => void;
}

export function HelpDialog({ keys, soon, onClose }: Props) {
  const t = useT();
  return (
    <Dialog title={t("help.title")} onClose={onClose} size="wide">
      <div className="help-cols" data-testid="help-overlay">
        {/* In columns side by side, so every key is seen at once on a 1366×700 window. */}
        {columns(keys, 3).map((part, i) => (
          <KeyTable key={i} keys={part} />
        ))}
        {soon.length > 0 && (
          <div>
            <h3 className="muted help-soon">{t("help.soonTitle")}</h3>
            <KeyTable keys={soon} muted />
          </div>
        )}
      </div>
    </Dialog>
  );
}

function KeyTable({ keys, muted }: { keys: FKey[]; muted?: boolean }) {
  const t = useT();
  return (
    <table className={`table help-keys ${muted ? "muted" : ""}`}>
      <thead>
        <tr>
          <th>{t("help.colKey")}</th>
          <th>{t("help.colAction")}</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr key={k.key} data-testid="help-key">
            <td>
              <kbd>{k.key}</kbd>
            </td>
            <td>{k.label}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `keys` cut into `n` columns of nearly equal length, in order. */
function columns(keys: FKey[], n: number): FKey[][] {
  const per = Math.ceil(keys.length / n);
  return Array.from({ length: n }, (_, i) => keys.slice(i * per, (i + 1) * per)).filter((c) => c.length > 0);
}

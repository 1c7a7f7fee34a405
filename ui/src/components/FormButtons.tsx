//! The foot of a counter form: the submit button (Enter from the last field, Ctrl+Enter from
//! any), disabled while the request is out,
//! and the way back (Esc).

import type { Ref } from "react";
import { useT, type MsgKey } from "../i18n";

interface Props {
  submit: MsgKey;
  testId: string;
  pending: boolean;
  back: MsgKey;
  onBack: () => void;
  /** A class beside `primary` on the submit button (`danger` for what cannot be undone). */
  kind?: string;
  submitRef?: Ref<HTMLButtonElement>;
}

export function FormButtons({ submit, testId, pending, back, onBack, kind, submitRef }: Props) {
  const t = useT();
  return (
    <div className="button-row">
      <button ref={submitRef} type="submit" className={kind ? `primary ${kind}` : "primary"} data-testid={testId} disabled={pending}>
        {t(submit)} <kbd>Enter</kbd> <kbd>Ctrl+Enter</kbd>
      </button>
      <button type="button" className="quiet" onClick={onBack}>
        {t(back)} <kbd>Esc</kbd>
      </button>
    </div>
  );
}

//! The bottom bar: which key does what on this screen. Clicking an entry does the same.

export interface FKey {
  key: string;
  label: string;
  run?: () => void;
}

export function FKeyBar({ keys }: { keys: FKey[] }) {
  return (
    <footer className="fkey-bar" data-testid="fkey-bar">
      {keys.map((k) =>
        k.run ? (
          <button type="button" tabIndex={-1} key={k.key} onClick={k.run}>
            <kbd>{k.key}</kbd> {k.label}
          </button>
        ) : (
          <span key={k.key}>
            <kbd>{k.key}</kbd> {k.label}
          </span>
        ),
      )}
    </footer>
  );
}

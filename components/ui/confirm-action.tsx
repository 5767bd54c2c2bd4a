"use client";
import { useState, type ReactNode } from "react";
import { ConfirmDialog } from "./confirm-dialog";
import { small } from "./styles";

/**
 * A button that asks first: it opens a ConfirmDialog and calls `onConfirm` (usually a mutation)
 * only when the user confirms. Holds the open/closed state so callers do not.
 */
export function ConfirmAction({
  children,
  label,
  className = small,
  disabled,
  title,
  confirmLabel,
  body,
  onConfirm,
}: {
  /** The button's content. */
  children: ReactNode;
  /** The button's accessible name when its content is not enough (e.g. "Disable alice"). */
  label?: string;
  className?: string;
  disabled?: boolean;
  title: string;
  confirmLabel: string;
  /** What the dialog explains. */
  body: ReactNode;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  // The (hidden) dialog comes first so the button stays its parent's last child: `space-x-*` on
  // the parent would otherwise give the button a trailing margin.
  return (
    <>
      <ConfirmDialog
        open={asking}
        title={title}
        confirmLabel={confirmLabel}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {body}
      </ConfirmDialog>
      <button type="button" className={className} disabled={disabled} onClick={() => setAsking(true)} aria-label={label}>
        {children}
      </button>
    </>
  );
}

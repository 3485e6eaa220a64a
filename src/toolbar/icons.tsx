/** Small inline SVG icons (markup only: nothing a page's CSP governs). */

export function GripIcon() {
  return (
    <svg width="10" height="16" viewBox="0 0 10 16" aria-hidden="true" focusable="false">
      {[3, 8, 13].map((cy) => (
        <g key={cy}>
          <circle cx="2.5" cy={cy} r="1.4" />
          <circle cx="7.5" cy={cy} r="1.4" />
        </g>
      ))}
    </svg>
  );
}

export function ChevronIcon({ up }: { up: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <path d={up ? 'M3 8.5 7 4.5l4 4' : 'M3 5.5l4 4 4-4'} fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

export function CloseIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <path d="M3.5 3.5l7 7m0-7-7 7" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
    </svg>
  );
}

export function BackspaceIcon() {
  return (
    <svg width="18" height="14" viewBox="0 0 18 14" aria-hidden="true" focusable="false">
      <path d="M6 1.5h9.5a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6L1.5 7Z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round" />
      <path d="m8.5 4.5 5 5m0-5-5 5" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
    </svg>
  );
}

export function KeypadIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      {[2.5, 7, 11.5].flatMap((cy) => [2.5, 7, 11.5].map((cx) => <circle key={`${cx}-${cy}`} cx={cx} cy={cy} r="1.35" fill="currentColor" />))}
    </svg>
  );
}

export function MoreIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      {[2.5, 7, 11.5].map((cx) => (
        <circle key={cx} cx={cx} cy="7" r="1.45" fill="currentColor" />
      ))}
    </svg>
  );
}

export function ClockIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <circle cx="6" cy="6" r="4.8" fill="none" stroke="currentColor" stroke-width="1.2" />
      <path d="M6 3.4V6l1.8 1.2" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

export function WarnIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <path d="M7 1.6 13 12.2H1Z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round" />
      <path d="M7 5.4v3.2" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
      <circle cx="7" cy="10.3" r=".8" fill="currentColor" />
    </svg>
  );
}

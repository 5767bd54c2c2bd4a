import { filterControl } from "./styles";

/**
 * A filter above a table: a small label over a select whose first option ("All vendors", "Any
 * health") means no filter and has the value "".
 */
export function FilterSelect<T extends string>({
  id,
  label,
  anyLabel,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  anyLabel: string;
  value: T | "";
  /** [value, label] pairs. */
  options: readonly (readonly [T, string])[];
  onChange: (value: T | "") => void;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600 dark:text-slate-400">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T | "")} className={filterControl}>
        <option value="">{anyLabel}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

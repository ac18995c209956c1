/**
 * A file name on screen: always text (React escapes it; there is no markup path), isolated from
 * the text around it (<bdi dir="auto">), without the characters that would reorder or hide parts
 * of it, and cut in the middle when long so the extension stays visible. The full name is the
 * tooltip.
 */
import { displayFileName, splitForMiddleTruncation } from './file-format.ts';

export function FileName({ name, className }: { name: string; className?: string }) {
  const clean = displayFileName(name);
  const { head, tail } = splitForMiddleTruncation(clean);
  return (
    <bdi dir="auto" className={className ? `file-name ${className}` : 'file-name'} title={clean}>
      <span className="file-name__head">{head}</span>
      {tail !== '' && <span className="file-name__tail">{tail}</span>}
    </bdi>
  );
}

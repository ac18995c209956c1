/** The tile with a file's type icon: PDF, archive, audio, text/code, image, video, or a plain file. */
import { Icon, type IconName } from '../../components/common/Icon.tsx';
import { fileCategory, type FileCategory } from './file-format.ts';

const ICONS: Record<FileCategory, IconName> = {
  pdf: 'file-text',
  archive: 'archive',
  audio: 'music',
  text: 'file-code',
  image: 'image',
  video: 'film',
  generic: 'file',
};

const LABELS: Record<FileCategory, string> = {
  pdf: 'PDF',
  archive: 'Archive',
  audio: 'Audio',
  text: 'Text',
  image: 'Image',
  video: 'Video',
  generic: 'File',
};

export function FileTypeIcon({ type, name, small = false }: { type: string; name: string; small?: boolean }) {
  const category = fileCategory(type, name);
  return (
    <span className={`file-icon file-icon--${category}${small ? ' file-icon--small' : ''}`} aria-hidden="true">
      <Icon name={ICONS[category]} />
      {!small && category === 'pdf' && <span className="file-icon__label">PDF</span>}
    </span>
  );
}

/** "PDF", "Archive"… for the line under a card's name. */
export function fileTypeLabel(type: string, name: string): string {
  return LABELS[fileCategory(type, name)];
}

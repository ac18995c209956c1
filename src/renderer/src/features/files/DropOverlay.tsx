/** Shown over the conversation while files are dragged onto it. */
import { Icon } from '../../components/common/Icon.tsx';

export function DropOverlay({ title }: { title: string }) {
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-overlay__panel">
        <span className="drop-overlay__icon">
          <Icon name="upload" />
        </span>
        <p className="drop-overlay__title">Drop files to send</p>
        <p className="drop-overlay__text">
          to <bdi>{title}</bdi>
        </p>
      </div>
    </div>
  );
}

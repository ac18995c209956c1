/** Who you are (display name) and the way to Settings. */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { dialogOpened } from '../../state/slices/ui.ts';
import { Avatar } from '../common/Avatar.tsx';
import { Icon } from '../common/Icon.tsx';

export function ProfileBar() {
  const { store } = useParley();
  const name = useAppState((s) => s.displayName) ?? '';
  // The same colour as your messages: your user id on the selected (or any connected) server.
  const selfId = useAppState((s) => {
    const selected = s.selectedServer === null ? undefined : s.servers[s.selectedServer];
    return selected?.self?.id ?? Object.values(s.servers).find((v) => v.self !== null)?.self?.id ?? null;
  });
  return (
    <div className="profile-bar">
      <Avatar id={selfId ?? name} name={name} size="sm" />
      <span className="profile-bar__name">{name}</span>
      <button
        type="button"
        className="icon-button"
        aria-label="Settings"
        onClick={() => dialogOpened(store, { kind: 'settings' })}
      >
        <Icon name="settings" />
      </button>
    </div>
  );
}

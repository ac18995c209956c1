/** Who you are (display name) and the way to Settings. */
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import type { AppState } from '../../state/store.ts';
import { dialogOpened } from '../../state/ui-slice.ts';
import { Avatar } from '../common/Avatar.tsx';
import { Icon } from '../common/Icon.tsx';

/**
 * Who you are on the selected (or else any) server that knows you — the name that server shows
 * to others, which is not the wanted name when it refused a rename — else the chosen name.
 */
function selectSelf(s: AppState): UserRef | null {
  const selected = s.selectedServer === null ? undefined : s.servers[s.selectedServer];
  return selected?.self ?? Object.values(s.servers).find((v) => v.self !== null)?.self ?? null;
}

export function ProfileBar() {
  const { store } = useParley();
  const wanted = useAppState((s) => s.displayName) ?? '';
  // The same colour as your messages: your user id there.
  const self = useAppState(selectSelf);
  const selfId = self?.id ?? null;
  const name = self?.name ?? wanted;
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

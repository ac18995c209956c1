/** Renders the open dialog (at most one), from the UI state. */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { dialogClosed } from '../../state/ui-slice.ts';
import { DiagnosticsDialog } from '../../features/diagnostics/DiagnosticsDialog.tsx';
import { CreateRoomDialog } from '../../features/rooms/CreateRoomDialog.tsx';
import { SettingsDialog } from '../../features/settings/SettingsDialog.tsx';
import { ConnectDialog } from '../../features/servers/ConnectDialog.tsx';
import { HostDialog } from '../../features/hosting/HostDialog.tsx';

export function DialogHost() {
  const { store } = useParley();
  const dialog = useAppState((s) => s.dialog);
  const close = () => dialogClosed(store);
  switch (dialog?.kind) {
    case 'connect':
      return <ConnectDialog onClose={close} />;
    case 'host':
      return <HostDialog onClose={close} />;
    case 'settings':
      return <SettingsDialog onClose={close} />;
    case 'createRoom':
      return <CreateRoomDialog server={dialog.server} onClose={close} />;
    case 'diagnostics':
      return <DiagnosticsDialog onClose={close} />;
    default:
      return null;
  }
}

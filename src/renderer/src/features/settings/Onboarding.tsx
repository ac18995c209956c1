/** First run: choose a display name. */
import { DisplayNameForm } from './DisplayNameForm.tsx';
import { Logo } from '../../components/common/Logo.tsx';

export function Onboarding() {
  return (
    <main className="onboarding">
      <div className="onboarding__card">
        <Logo large />
        <h1 className="onboarding__title">Welcome to Parley</h1>
        <p className="onboarding__lead">
          Chat with the people around you. Someone hosts a room, everyone nearby joins — no server, no account, no
          internet.
        </p>
        {/* Nothing else to do here, so typing the name can start at once. */}
        <DisplayNameForm initial="" submitLabel="Continue" autoFocus />
      </div>
    </main>
  );
}

/** The left column: servers (each with its conversations), nearby, recent, hosting, profile. */
import { useEffect, useRef } from 'react';
import { useAppState } from '../../hooks/use-parley.ts';
import { Logo } from '../common/Logo.tsx';
import { NearbySection } from '../../features/nearby/NearbySection.tsx';
import { ProfileBar } from './ProfileBar.tsx';
import { RecentSection } from '../../features/conversations/RecentSection.tsx';
import { ServerSection } from '../../features/servers/ServerSection.tsx';
import { SidebarActions } from './SidebarActions.tsx';

export function Sidebar({ narrow }: { narrow: boolean }) {
  const drawer = useAppState((s) => s.drawer);
  const open = drawer === 'sidebar';
  const ref = useRef<HTMLElement>(null);

  // Opening the drawer moves focus into it.
  useEffect(() => {
    if (narrow && open) ref.current?.querySelector<HTMLElement>('button, a[href]')?.focus();
  }, [narrow, open]);

  return (
    <nav id="sidebar" ref={ref} className="sidebar" aria-label="Servers and conversations" inert={narrow && !open}>
      <div className="sidebar__brand">
        <Logo />
        <span className="sidebar__brand-name">Parley</span>
      </div>
      <div className="sidebar__scroll">
        <ServerSection />
        <NearbySection />
        <RecentSection />
      </div>
      <SidebarActions />
      <ProfileBar />
    </nav>
  );
}

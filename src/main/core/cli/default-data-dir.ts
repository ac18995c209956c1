/** Where the headless server keeps its data when no --data-dir is given: the OS's data folder. */
import envPaths from 'env-paths';

/** Linux: $XDG_DATA_HOME/parley-server (~/.local/share/parley-server); macOS: ~/Library/Application
 *  Support/parley-server; Windows: %LOCALAPPDATA%\parley-server\Data. */
export function defaultDataDir(): string {
  return envPaths('parley-server', { suffix: '' }).data;
}

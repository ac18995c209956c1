; Parley's additions to electron-builder's NSIS scripts (electron-builder.yml: nsis.include).
;
; On uninstall, ask whether to delete the user's data folder (%APPDATA%\Parley: profile, the
; rooms this machine hosted and their messages). electron-builder's deleteAppDataOnUninstall can
; only always or never delete it.
;
; Never asked, and the data kept, when:
; - the uninstaller runs for an update (electron-updater runs the old one with --updated);
; - the uninstall was started silently on purpose (/S on the command line, e.g. by a script).
;   The one-click uninstaller switches itself to silent after its own confirmation, so the
;   command line is checked rather than ${Silent}.

!macro customUnInstall
  ${ifNot} ${isUpdated}
    ${GetParameters} $R0
    ClearErrors
    ${GetOptions} $R0 "/S" $R1
    ${if} ${Errors}
      MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
        "Also delete your Parley data?$\r$\n$\r$\nThis removes your profile and the rooms you hosted on this computer, with their messages. Choose No to keep them for a later install." \
        /SD IDNO IDNO parley_keep_data
      ; Electron keeps userData per user, under the product name (%APPDATA%\Parley).
      SetShellVarContext current
      !ifdef APP_PRODUCT_FILENAME
        RMDir /r "$APPDATA\${APP_PRODUCT_FILENAME}"
      !else
        RMDir /r "$APPDATA\${APP_FILENAME}"
      !endif
      ; electron-updater's download cache.
      RMDir /r "$LOCALAPPDATA\${APP_PACKAGE_NAME}-updater"
      parley_keep_data:
    ${endIf}
  ${endIf}
!macroend

/** Why an upload or download did not work, in words (the server's codes, then the API's). */
export function describeFileError(code: string, message: string): string {
  switch (code) {
    case 'file_too_large':
      return 'The file is larger than this server accepts.';
    case 'storage_full':
      return 'The server has no room left for files.';
    case 'disk_full':
      return 'The server’s disk is almost full.';
    case 'too_many_uploads':
      return 'Too many uploads at once; try again in a moment.';
    case 'too_many_downloads':
      return 'Too many downloads at once; try again in a moment.';
    case 'too_many_files':
      return 'The message has more files than the server allows.';
    case 'hash_mismatch':
      return 'The file arrived damaged (its checksum did not match); nothing was kept.';
    case 'size_mismatch':
      return 'The file changed while it was being sent.';
    case 'file_changed':
      return 'The file changed or could not be read while it was being sent.';
    case 'upload_not_found':
      return 'The server no longer has this upload (it expired); Retry starts it again.';
    case 'file_not_found':
      return 'The file is no longer on the server.';
    case 'thumb_invalid':
      return 'The preview was not accepted.';
    case 'not_supported':
    case 'unsupported':
      return 'Files are not available here.';
    case 'not_connected':
    case 'transfer_interrupted':
      return 'The connection was lost.';
    default:
      return message === '' ? 'Something went wrong.' : message;
  }
}

/** Local services accept any credentials; fixed ones keep the SDK from searching for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

// The azure fake is being written; this entry point exports nothing yet.
export {}

// Temporary, for branch `postgres` only: main's UnitOfWork (e103c17) trips CA1068 (the optional
// isolation level follows the token). The lead is reworking UnitOfWork; drop this file on merge.
[assembly: System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068:CancellationToken parameters must come last", Justification = "Optional isolation level after the token; see UnitOfWork.", Scope = "type", Target = "~T:ReviewConsole.Data.UnitOfWork")]

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReviewConsole.Data;
using ReviewConsole.Testing;

namespace ReviewConsole.Benchmarks;

/// <summary>
/// What the end-to-end benchmarks share: publishing the app (Release), a self-signed loopback
/// certificate, starting the published app in the Production shape (Production environment, Kestrel
/// HTTPS, SQLite file, Hangfire server on, demo off) and waiting for it, and small helpers (free port,
/// load average, options, raw SQLite statements, the schema stamp that keys cached databases).
/// </summary>
internal static class BenchmarkHost
{
    public const string CertificatePassword = "loopback-benchmark";
    public const string AdminPassword = "Benchmark-Admin-2026!";

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ReviewConsole.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository.");
    }

    /// <summary>Publishes the app (Release) to artifacts/<paramref name="name"/>/publish unless
    /// <paramref name="skip"/> is set and a published app is already there.</summary>
    public static async Task<string> PublishAsync(string root, string name, bool skip)
    {
        var publish = Path.Combine(root, "artifacts", name, "publish");
        if (!skip || !File.Exists(Path.Combine(publish, "ReviewConsole.dll")))
        {
            await RunProcessAsync("dotnet", ["publish", Path.Combine(root, "ReviewConsole.csproj"), "-c", "Release", "-o", publish, "--nologo", "-v", "q"], root);
        }

        return publish;
    }

    public static (string Path, string Thumbprint) CreateCertificate(string folder)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var path = Path.Combine(folder, "loopback.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, CertificatePassword));
        return (path, certificate.Thumbprint);
    }

    /// <summary>Starts the published app in the Production shape on <paramref name="baseAddress"/> and
    /// <paramref name="database"/> (its provider and connection string, with Hangfire's storage as the
    /// app picks it for that provider), its output going to <paramref name="log"/>;
    /// <paramref name="settings"/> are extra environment variables (configuration keys with <c>__</c>).</summary>
    public static Process StartApp(string publish, AppDatabase database, string certificate, Uri baseAddress, string log, IReadOnlyDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(publish, "ReviewConsole.dll"), "--urls", baseAddress.ToString()])
        {
            WorkingDirectory = publish,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["ConnectionStrings__" + database.Provider] = database.ConnectionString;
        start.Environment["Seed__AdminPassword"] = AdminPassword;
        start.Environment["Demo__Enabled"] = "false";
        start.Environment["Kestrel__Certificates__Default__Path"] = certificate;
        start.Environment["Kestrel__Certificates__Default__Password"] = CertificatePassword;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app.");
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.Exited += (_, _) => { lock (writer) { writer.Dispose(); } };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>An HTTP client that trusts exactly the run's certificate.</summary>
    public static HttpClient CreateClient(Uri baseAddress, string thumbprint, int connections = 2)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is X509Certificate2 c && c.Thumbprint == thumbprint },
            MaxConnectionsPerServer = connections,
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
    }

    public static async Task WaitHealthyAsync(HttpClient http, Process app, string log)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            if (app.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {app.ExitCode}; see {log}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"The app did not become healthy; see {log}.");
    }

    public static async Task StopAsync(Process app)
    {
        if (!app.HasExited)
        {
            app.Kill(entireProcessTree: true);
        }

        await app.WaitForExitAsync();
    }

    public static async Task RunProcessAsync(string file, string[] arguments, string workingDirectory)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = workingDirectory }) ?? throw new InvalidOperationException($"Could not start {file}.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}.");
        }
    }

    public static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    /// <summary>Seeded databases are cached per schema: the newest migration's name.</summary>
    public static string SchemaStamp()
    {
        using var template = new TestDatabase();
        using var db = template.CreateContext();
        return db.Database.GetAppliedMigrations().Last();
    }

    /// <summary>A copy of the migrated template database (the app's own migrations) at <paramref name="path"/>.</summary>
    public static void CopyMigratedTemplate(string path)
    {
        using (var template = new TestDatabase())
        {
            SqliteConnection.ClearAllPools();
            File.Copy(template.FilePath, path, overwrite: true);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string RuntimeDescription() => $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
}

/// <summary>The database the app under test runs on: a SQLite file (the Production shape's default) or a
/// PostgreSQL database (<c>--postgres</c>). <see cref="Open"/> gives the benchmark a plain connection to
/// read what the app did; its SQL quotes identifiers with double quotes and names parameters
/// <c>@name</c>, which both providers accept.</summary>
internal sealed record AppDatabase(DatabaseProvider Provider, string ConnectionString, string Name)
{
    public static AppDatabase Sqlite(string path) => new(DatabaseProvider.Sqlite, $"Data Source={path}", path);

    public static AppDatabase Postgres(string connectionString, string name) => new(DatabaseProvider.Postgres, connectionString, name);

    /// <summary>"SQLite" or "PostgreSQL", for the report.</summary>
    public string ProviderName => Provider switch { DatabaseProvider.Postgres => "PostgreSQL", DatabaseProvider.Sqlite => "SQLite", _ => Provider.ToString() };

    /// <summary>An open connection (read-only and unpooled on SQLite, so the file is left alone).</summary>
    public DbConnection Open()
    {
        DbConnection connection = Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()),
            DatabaseProvider.Postgres => new NpgsqlConnection(ConnectionString),
            _ => throw new NotSupportedException($"The benchmarks run on SQLite or PostgreSQL, not {Provider}."),
        };
        connection.Open();
        return connection;
    }

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>A stored instant as UTC ticks: SQLite keeps ticks, PostgreSQL a timestamptz.</summary>
    public static long Ticks(object value) => value switch
    {
        long ticks => ticks,
        DateTime time => time.ToUniversalTime().Ticks,
        DateTimeOffset time => time.UtcTicks,
        _ => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}

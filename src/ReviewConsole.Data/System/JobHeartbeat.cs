namespace ReviewConsole.Data.System;

/// <summary>The last time a recurring job ran to completion, per job name; read by /healthz.</summary>
public class JobHeartbeat
{
    public required string Name { get; set; }

    public DateTimeOffset LastRunAt { get; set; }

    public string Node { get; set; } = "";
}

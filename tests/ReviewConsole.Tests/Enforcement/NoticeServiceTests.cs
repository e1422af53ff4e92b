using Microsoft.EntityFrameworkCore;
using ReviewConsole.Data.Enforcement;
using ReviewConsole.Features.Enforcement;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;
using ReviewConsole.Testing.Enforcement;
using static ReviewConsole.Tests.Enforcement.EnforcementTestData;

namespace ReviewConsole.Tests.Enforcement;

public sealed class NoticeServiceTests : IDisposable
{
    private static readonly Dictionary<string, string?> Values = new()
    {
        ["organization_name"] = "Contoso Health",
        ["policy_clause"] = "MU-2.1",
        ["note"] = "",
    };

    private readonly TestDatabase database = new();

    [Fact]
    public void Render_KnownPlaceholdersWithValues_FillsThem()
    {
        var render = NoticeService.Render("Notice for {{organization_name}}", "Hello {{ organization_name }}, see {{policy_clause}}.", Values);

        Assert.True(render.Ok);
        Assert.Equal("Notice for Contoso Health", render.Subject);
        Assert.Equal("Hello Contoso Health, see MU-2.1.", render.Body);
    }

    [Theory]
    [InlineData("Dear {{organisation_name}}", "Unknown placeholder")]
    [InlineData("Until {{expires_at}}", "No value for {{expires_at}}")]
    [InlineData("Note: {{note}}", "No value for {{note}}")]
    [InlineData("Dear {{organization_name}", "malformed")]
    [InlineData("Dear {{Organization_Name}}", "malformed")]
    public void Render_BadPlaceholder_RefusesWithTheReason(string body, string problem)
    {
        var render = NoticeService.Render("Subject", body, Values);

        Assert.False(render.Ok);
        Assert.Contains(render.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Templates_SeededVersions_HaveOnlyKnownPlaceholders()
    {
        Assert.All(DefaultNoticeTemplates.All, t => Assert.Empty(NoticeService.CheckTemplate(t.Subject, t.Body)));
    }

    [Fact]
    public async Task Send_TemplateAboutASanction_QueuesARenderedNoticeThroughTheOutbox()
    {
        using var node = new EnforcementHarness(database);
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "nt");
        var sanction = await RequestAsync(node, database, Revoke(ids.ApiKeyId), reviewer);
        await node.Get<EnforcementExecutor>().RunAsync(sanction.Id, default);
        var template = (await node.Get<NoticeService>().TemplatesAsync(default)).Single(t => t.Key == "sanction-applied");

        var result = await node.Get<NoticeService>().SendAsync(new SendNoticeRequest(ids.OrganizationId, template.Key, template.Subject, template.Body, sanction.Id, null, "Key used for spam."), 30, reviewer, default);

        Assert.True(result.Succeeded, result.Message);
        await using var db = database.CreateContext();
        var notice = await db.Set<EnforcementAction>().SingleAsync(a => a.Kind == EnforcementKind.SendNotice && a.RequestedById == reviewer.Id);
        var parameters = EnforcementContract.Read<NoticeParameters>(notice);
        Assert.Contains("API key revoked", parameters.Subject);
        Assert.Contains($"SANCTION-{sanction.Id}", parameters.Body);
        Assert.DoesNotContain("{{", parameters.Body);
        Assert.Equal(EnforcementState.Pending, notice.State);
    }

    [Fact]
    public async Task Send_TimeBoundedTemplateForAPermanentSanction_IsRefused()
    {
        using var node = new EnforcementHarness(database);
        var reviewer = await EnforcementHarness.CreateStaffAsync(database, Roles.Reviewer);
        var ids = await ActorAsync(database, "nt2");
        var sanction = await RequestAsync(node, database, Revoke(ids.ApiKeyId), reviewer);
        var template = (await node.Get<NoticeService>().TemplatesAsync(default)).Single(t => t.Key == "time-bounded-sanction");

        var result = await node.Get<NoticeService>().SendAsync(new SendNoticeRequest(ids.OrganizationId, template.Key, template.Subject, template.Body, sanction.Id, "MU-1", "note"), 30, reviewer, default);

        Assert.False(result.Succeeded);
        Assert.Contains("{{expires_at}}", result.Message);
        await using var db = database.CreateContext();
        Assert.False(await db.Set<EnforcementAction>().AnyAsync(a => a.Kind == EnforcementKind.SendNotice));
    }

    public void Dispose() => database.Dispose();
}

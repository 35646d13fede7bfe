using OrleansRegistry.Bench;

// Usage (scripts/bench/run.sh drives it):
//   seed     <base url> <admin key> <out dir>      seeds, creates the benchmark key, writes URL lists and the ceiling's files
//   seed-second <base url> <admin key> <out dir>  seeds a second catalog of the same size and reads it once (marginal memory)
//   upstream <root dir> <upstream url>              writes a Composer repository of static files for nginx to serve as a mirror's upstream
//   mirror   <base url> <admin key> <upstream url> <out dir>  creates a lazy mirror of it, serves every package once (timed), writes URL lists and the ceiling's files
//   read-all <base url> <out dir>                  every listed document once (a restarted registry, every package active)
//   cold     <base url> <out dir>                  first request of every p2 URL after a restart: p50/p99
//   transfer <base url> <out dir> <pid> <MB> <backend>  upload then download a provider archive of that size through the registry using that store, sampling RSS
//   report   <out dir>                             summary.json and summary.md from the collected results
//   ui-seed  <base url> <admin key> <out dir>      the web UI benchmark's catalog (BENCH_UI_PACKAGES), URL lists and checks
//   ui-signin <https url> <key> <out dir>          signs in to the web UI, writes the session's cookies
//   ui-check <https url> <out dir>                 every benchmarked page once: 200 with its content, or exit 1
//   ui-report <out dir>                            ui-summary.json and ui-summary.md
return args switch
{
    ["seed", var url, var adminKey, var dir] => await Seeder.RunAsync(new Uri(url), adminKey, dir),
    ["seed-second", var url, var adminKey, var dir] => await Seeder.RunAsync(new Uri(url), adminKey, dir, second: true),
    ["upstream", var root, var upstream] => await UpstreamRepository.WriteAsync(root, new Uri(upstream)),
    ["mirror", var url, var adminKey, var upstream, var dir] => await MirrorWarmUp.RunAsync(new Uri(url), adminKey, new Uri(upstream), dir),
    ["read-all", var url, var dir] => await CatalogReader.RunAsync(new Uri(url), dir),
    ["cold", var url, var dir] => await ColdPath.RunAsync(new Uri(url), dir),
    ["transfer", var url, var dir, var pid, var megabytes, var backend] => await Transfer.RunAsync(new Uri(url), dir, int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture), int.Parse(megabytes, System.Globalization.CultureInfo.InvariantCulture), backend),
    ["report", var dir] => Report.Run(dir),
    ["ui-seed", var url, var adminKey, var dir] => await UiSeeder.RunAsync(new Uri(url), adminKey, dir),
    ["ui-signin", var url, var key, var dir] => await UiSession.SignInAsync(new Uri(url), key, dir),
    ["ui-check", var url, var dir] => await UiSession.CheckAsync(new Uri(url), dir),
    ["ui-report", var dir] => UiReport.Run(dir),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Bench seed|seed-second <url> <admin key> <dir> | upstream <root> <upstream url> | mirror <url> <admin key> <upstream url> <dir> | read-all <url> <dir> | cold <url> <dir> | transfer <url> <dir> <pid> <MB> <backend> | report <dir> | ui-seed <url> <admin key> <dir> | ui-signin <https url> <key> <dir> | ui-check <https url> <dir> | ui-report <dir>");
    return 2;
}

using OrleansRegistry.Mirroring;

namespace OrleansRegistry.WebFrontend.Ui.Pages.Admin.Mirrors;

/// <summary>What each kind of mirror or source is called on the pages.</summary>
public static class MirrorKindNames
{
    public static string Of(string kind) => kind switch
    {
        MirrorKinds.TerraformProviders => "Terraform provider mirror",
        MirrorKinds.ComposerRepository => "Composer repository mirror",
        MirrorKinds.ComposerGit => "Composer package from Git",
        MirrorKinds.TerraformModuleGit => "Terraform module from Git",
        _ => kind,
    };
}

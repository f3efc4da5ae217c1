/*
 * Paste-and-run lures (ClickFix, fake CAPTCHA, "fix your camera"). Spyglass's own rules
 * (Apache-2.0, see SOURCE).
 */

rule clickfix_run_dialog_lure
{
    meta:
        description = "puts a command in the clipboard and tells the visitor to press Win+R and paste it (ClickFix / fake CAPTCHA lure)"
        category = "paste-and-run"
        score = 90
    strings:
        $clip1 = "navigator.clipboard.writeText"
        $clip2 = /execCommand\(\s*["']copy["']\s*\)/
        $clip3 = /clipboardData\.setData\(/
        $cmd1 = /powershell|pwsh/ nocase
        $cmd2 = "mshta" nocase
        $cmd3 = /cmd(\.exe)?\s+\/c/ nocase
        $cmd4 = /curl\s[^"'`\n]{0,200}\|\s*(ba|z)?sh/
        $cmd5 = "osascript" nocase
        $cmd6 = /rundll32|regsvr32|certutil/ nocase
        $win1 = /Win(dows)?\s*(key)?\s*(\+|&#43;|and)\s*R\b/ nocase
        $win2 = /\xe2\x8a\x9e|&#8862;|&#x229e;/ nocase
        $win3 = /Run (dialog|box|window)/ nocase
        $lure1 = /verify (that )?you are (a )?human|I'?m not a robot|verification steps|human verification/ nocase
        $lure2 = /Ctrl\s*\+\s*V|Cmd\s*\+\s*V|\xe2\x8c\x98\s*\+?\s*V/ nocase
        $term = /open (the )?Terminal|Command \+ Space|Cmd \+ Space|Spotlight/ nocase
    condition:
        any of ($clip*) and any of ($cmd*) and
        (any of ($win*) or ($lure1 and $lure2 and $term))
}

rule clickfix_hidden_payload
{
    meta:
        description = "copies a hidden-window PowerShell, mshta or encoded command to the clipboard (paste-and-run payload)"
        category = "paste-and-run"
        score = 85
    strings:
        $clip1 = "navigator.clipboard.writeText"
        $clip2 = /execCommand\(\s*["']copy["']\s*\)/
        $clip3 = /clipboardData\.setData\(/
        $ps_hidden = /(powershell|pwsh)(\.exe)?[^"'`\n]{0,80}\s-(w|wi|win|window|windowstyle)\s+(h|hid|hidden|1)\b/ nocase
        $ps_enc = /(powershell|pwsh)(\.exe)?[^"'`\n]{0,80}\s-(e|ec|enc|encodedcommand)\s+[A-Za-z0-9+\/=]{40,}/ nocase
        $mshta = /mshta(\.exe)?\s+["']?https?:\/\// nocase
        $verification_comment = /#\s*(\xe2\x9c\x85|&#9989;)?\s*["']?\s*(I am not a robot|I'm not a robot|Verification ID|reCAPTCHA Verification|Cloudflare)/ nocase
    condition:
        any of ($clip*) and ($ps_hidden or $ps_enc or $mshta or $verification_comment)
}

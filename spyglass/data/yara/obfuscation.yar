/*
 * Obfuscated pages that write their content at run time. Spyglass's own rules (Apache-2.0,
 * see SOURCE).
 */

rule obf_document_write_encoded_form
{
    meta:
        description = "writes a hidden form into the page at run time from base64 or escaped text (document.write(atob(...))), a phishing-kit trick against static scanners"
        category = "phishing"
        score = 75
    strings:
        $write_atob = /document\.write(ln)?\(\s*(atob|unescape|decodeURIComponent|window\.atob)\s*\(/
        $write_var = /document\.write(ln)?\(\s*[A-Za-z_$][A-Za-z0-9_$]{0,20}\(\s*[A-Za-z_$][A-Za-z0-9_$]{0,20}\s*\)\s*\)/
        $b64_form = "<form" base64
        $b64_password = "type=\"password\"" base64
        $b64_input = "<input" base64
        $esc_form = "%3Cform" nocase
        $esc_input = "%3Cinput" nocase
    condition:
        ($write_atob and ($b64_form or $b64_input or $b64_password or $esc_form or $esc_input))
        or ($write_var and ($b64_form or $esc_form) and ($b64_password or $b64_input or $esc_input))
}

rule obf_javascript_obfuscator_string_array
{
    meta:
        description = "script obfuscated with javascript-obfuscator (_0x names, rotated string array): common in phishing kits, also used by some legitimate sites"
        category = "phishing"
        score = 40
    strings:
        $hex_name = /_0x[0-9a-f]{4,6}/
        $rotate1 = /\[\s*['"]push['"]\s*\]\s*\(\s*_0x[0-9a-f]{4,6}\s*\[\s*['"]shift['"]\s*\]\s*\(\s*\)\s*\)/
        $rotate2 = /_0x[0-9a-f]{4,6}\s*\.push\(\s*_0x[0-9a-f]{4,6}\s*\.shift\(\s*\)\s*\)/
        $parse = /parseInt\(\s*_0x[0-9a-f]{4,6}\(\s*0x[0-9a-f]+\s*\)\s*\)/
    condition:
        #hex_name > 20 and ($rotate1 or $rotate2 or $parse)
}

/*
 * Credential-phishing kit artefacts. Spyglass's own rules (Apache-2.0, see SOURCE).
 * Each rule's meta: description (the reason an analyst reads), category, score (1..100;
 * 70 and above makes the page malicious on its own).
 */

rule phish_telegram_bot_exfil
{
    meta:
        description = "sends data to a Telegram bot with a hard-coded bot token, the way phishing kits deliver stolen credentials"
        category = "phishing"
        score = 90
    strings:
        // a real bot token: "<bot id>:<35 characters>"; documentation writes "<token>"
        $token_url = /api\.telegram\.org\/bot[0-9]{8,10}:[A-Za-z0-9_-]{35}/
        $token_var = /["'][0-9]{8,10}:AA[A-Za-z0-9_-]{33}["']/
        $api = "api.telegram.org/bot" nocase
        $send = /send(Message|Document|Photo)/
        $chat = /chat_id|chatId|chat_ID|CHAT_ID/
    condition:
        ($token_url or ($token_var and $api)) and $send and $chat
}

rule phish_discord_webhook_exfil
{
    meta:
        description = "posts form data to a Discord webhook, a channel phishing kits use for stolen credentials"
        category = "phishing"
        score = 85
    strings:
        $hook = /discord(app)?\.com\/api\/webhooks\/[0-9]{17,20}\/[A-Za-z0-9_-]{60,70}/
        $field1 = /pass(word|wd)?["'\]]?\s*[:)=.]/ nocase
        $field2 = /(seed|phrase|mnemonic|otp|cvv)["'\]]?\s*[:)=.]/ nocase
    condition:
        $hook and any of ($field*)
}

rule phish_email_autograb
{
    meta:
        description = "fills the e-mail field from the link (#victim@mail or its base64), a phishing-kit 'autograb' so the victim sees their own address"
        category = "phishing"
        score = 70
    strings:
        $atob_hash = /atob\(\s*(window\.)?location\.hash/
        $hash_read = /(window\.)?location\.hash\.(substr|substring|slice|split|replace)\(/
        $set_email1 = /[#'"](email|ai|username|login_email|i0116)['"]\s*\)\s*\.(val|value)/ nocase
        $set_email2 = /getElementsByName\(\s*["'](email|ai|username)["']\s*\)\s*\[\s*0\s*\]\s*\.value\s*=/ nocase
        $set_email3 = /getElementById\(\s*["'](email|ai|username|i0116)["']\s*\)\s*\.value\s*=/ nocase
        // the strings "hash" and "email" hidden in base64 by lightly obfuscated kits
        $b64_hash = "\"aGFzaA==\""
        $b64_email = "\"ZW1haWw=\""
        $atob = "atob("
    condition:
        $atob_hash or ($hash_read and any of ($set_email*)) or ($b64_hash and $b64_email and $atob)
}

rule phish_antibot_security_vendors
{
    meta:
        description = "turns away security scanners and crawlers by user agent or hostname (phishing-kit anti-bot check)"
        category = "phishing"
        score = 75
    strings:
        $ua = "navigator.userAgent"
        $v1 = "phishtank" nocase
        $v2 = "urlscan" nocase
        $v3 = "netcraft" nocase
        $v4 = "virustotal" nocase
        $v5 = "forcepoint" nocase
        $v6 = "paloalto" nocase
        $v7 = "bitdefender" nocase
        $v8 = "kaspersky" nocase
        $v9 = "trendmicro" nocase
        $v10 = "sucuri" nocase
        $v11 = "safebrowsing" nocase
        $v12 = "headlesschrome" nocase
        $v13 = "google-inspectiontool" nocase
        $redirect = /location\.(replace|href\s*=)|window\.location\s*=/
    condition:
        // a security article names vendors too, but does not test the visitor's browser for
        // them and send it elsewhere
        $ua and $redirect and 5 of ($v*) and ($v1 or $v2 or $v3 or $v4)
}

rule phish_antibot_crawler_ip_ranges
{
    meta:
        description = "checks the visitor's IP address against crawler and security-vendor ranges before showing the page (phishing-kit anti-bot check)"
        category = "phishing"
        score = 75
    strings:
        $lookup = /api\.ipify\.org|ipinfo\.io|ip-api\.com|ipapi\.co|geojs\.io|REMOTE_ADDR/
        $r1 = "\"66.249." ascii
        $r2 = "\"64.233." ascii
        $r3 = "\"72.14." ascii
        $r4 = "\"74.125." ascii
        $r5 = "\"209.85." ascii
        $r6 = "\"216.239." ascii
        $r7 = "\"66.102." ascii
        $r8 = "\"207.46." ascii
        $r9 = "\"157.55." ascii
        $r10 = "\"40.77." ascii
        $r11 = "\"173.252." ascii
        $r12 = "\"69.63." ascii
    condition:
        $lookup and 5 of ($r*)
}

rule phish_o365_kit
{
    meta:
        description = "copies Microsoft's sign-in form (element ids i0116/i0118/idSIButton9) and sends it to a PHP script, as Microsoft 365 phishing kits do"
        category = "phishing"
        score = 80
    strings:
        $id_email = "i0116"
        $id_pass = "i0118"
        $id_button = "idSIButton9"
        $id_form = "i0281"
        $php_action = /action\s*=\s*["'][^"']{0,200}\.php/ nocase
        $php_ajax = /url\s*:\s*["'][^"']{0,200}\.php["']/ nocase
        $ai_pr = /\bai\s*:\s*[^,;]{1,80},\s*pr\s*:/
    condition:
        3 of ($id_*) and ($php_action or $php_ajax or $ai_pr)
}

rule phish_kit_ajax_loot
{
    meta:
        description = "posts the e-mail and password by script to a PHP mailer and then retries with 'wrong password', the loop webmail phishing kits use"
        category = "phishing"
        score = 80
    strings:
        $ajax = /\$\.ajax\(|fetch\(|XMLHttpRequest/
        $php = /["'][^"'\s]{0,120}(next|post|send|mail|mailer|result|login|verify|process|gate)\.php["']/ nocase
        $ai_pr = /\bai\s*:\s*[^,;]{1,80},\s*pr\s*:/
        $retry1 = /(wrong|incorrect|invalid) password/ nocase
        $retry2 = /count\s*(>=|==|>)\s*[12]\b|attempt(s)?\s*(>=|==|>)\s*[12]\b/
    condition:
        $ajax and $php and ($ai_pr or (all of ($retry*)))
}

rule phish_seed_phrase_collector
{
    meta:
        description = "joins the words a visitor typed into a wallet recovery phrase and sends them away (seed-phrase phishing kit)"
        category = "phishing"
        score = 85
    strings:
        $words = /(phrase|mnemonic|seed|words)[A-Za-z_$]{0,12}\s*=\s*[^;]{0,200}\.join\(\s*["'] ["']\s*\)/ nocase
        $loop = /querySelectorAll\(\s*["'][^"']{0,40}(word|seed|phrase|mnemonic)[^"']{0,40}["']\s*\)/ nocase
        $send = /fetch\(|\$\.(ajax|post)\(|XMLHttpRequest|sendBeacon\(|\.submit\(\)/
        $text = /(recovery|secret|seed|mnemonic) ?phrase/ nocase
    condition:
        ($words or $loop) and $send and $text
}

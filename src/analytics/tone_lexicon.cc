// The tone lexicon: written by the project for this product (docs/analytics.md "## Tone",
// "Lexicon"); no third-party lexicon was used or copied. Parsed once by tone.cc.
//
// One entry a line: `words | attributes`. The words are written as people say them; each is
// reduced to its stem by search::NormalizeWord, so one form stands for the word's other forms
// that share the stem (list another form when its stem differs: «нравится» → нрав,
// «понравилось» → понрав). Several words are a phrase, matched as consecutive stems (the
// longest phrase wins) and scored as one item. Attributes:
//   +1.5 / -2    valence: weak 0.3-0.6, clear 1, strong 1.5, very strong 2-2.5
//   neg          a negator: flips a valence within the next three items ("not a good one")
//   neg1         a negator of the next word only, past intensifiers («не очень хорошо»)
//   x1.5 / x0.6  an intensifier / a diminisher: scales a valence within the next two items
//   but          a contrast: what follows counts more than what precedes
//   fixed        a phrase that carries its own negation («не за что»): never negated
//   ack          at the start of a longer utterance it is an acknowledgement ("ok, then..."):
//                its valence counts 0.3
// A phrase with valence 0 blocks its words' own entries ("safe deal", «безопасная сделка»).
// Lines starting with # are comments.

#include <string_view>

namespace vitrina::analytics::tone_internal {

std::string_view LexiconText() {
  return R"LEX(
# ---------------------------------------------------------------- Russian: negation, degree
не | neg1
нет | neg1
ни | neg1
без | neg1
никогда | neg
ничуть | neg
нисколько | neg
очень | x1.5
совсем | x1.4
так | x1.3
такой | x1.3
такая | x1.3
такие | x1.3
настолько | x1.4
слишком | x1.4
чересчур | x1.4
крайне | x1.6
абсолютно | x1.5
полностью | x1.3
вообще | x1.3
реально | x1.3
действительно | x1.3
безумно | x1.6
невероятно | x1.6
весьма | x1.3
самый | x1.3
сильно | x1.3
дико | x1.5
жутко | x1.5
намного | x1.3
гораздо | x1.3
прям | x1.2
прямо | x1.2
явно | x1.2
просто | x1.2
еще | x1.1
немного | x0.6
немножко | x0.6
чуть | x0.6
слегка | x0.6
небольшой | x0.6
небольшая | x0.6
небольшие | x0.6
маленький | x0.7
маленькая | x0.7
мелкий | x0.6
мелкая | x0.6
едва | x0.5
почти | x0.7
относительно | x0.7
но | but
однако | but
зато | but

# ---------------------------------------------------------------- Russian: positive
спасибо | +1.5
спасибочки | +1.5
благодарю | +1.5
благодарна | +1.5
благодарен | +1.5
благодарны | +1.5
благодарность | +1.5
спасибо большое | +2
большое спасибо | +2
огромное спасибо | +2.2
не за что | +1.2 fixed
на здоровье | +1.2
пожалуйста | +0.1
отлично | +1.5
отличный | +1.5
отличная | +1.5
прекрасно | +1.5
прекрасный | +1.5
замечательно | +1.5
замечательный | +1.5
великолепно | +1.8
великолепный | +1.8
превосходно | +1.8
превосходный | +1.8
потрясающе | +1.8
потрясающий | +1.8
изумительно | +1.8
чудесно | +1.5
чудесный | +1.5
шикарно | +1.5
шикарный | +1.5
обалденный | +1.5
бесподобный | +1.5
восторг | +1.8
восхитительно | +1.8
супер | +1.5
суперский | +1.5
класс | +1.2
классно | +1.2
классный | +1.2
круто | +1.2
здорово | +1.2
клево | +1.2
идеально | +1.2
идеальный | +1.2
безупречно | +1.2
безупречный | +1.2
красиво | +1
красивый | +1
красота | +1.2
красавец | +1.2
милый | +1.2
мило | +1.2
милота | +1.2
прелесть | +1.5
очаровательный | +1.5
приятно | +1
приятный | +1
рад | +1.2
рада | +1.2
рады | +1.2
радует | +1.2
радость | +1.2
счастлив | +1.5
счастлива | +1.5
доволен | +1.2
довольна | +1
довольны | +1
нравится | +1
нравятся | +1
понравилось | +1.2
понравился | +1.2
понравилась | +1.2
понравились | +1.2
понравится | +1.2
люблю | +1.5
обожаю | +1.5
любимый | +1
хорошо | +0.8 ack
неплохо | +0.7
неплохой | +0.7
нормально | +0.3
нормальный | +0.3
лучше | +0.3
удобно | +0.4
удобный | +0.4
удобнее | +0.4
спокойно | +0.5
спокойнее | +0.5
выгодно | +0.8
выгодный | +0.8
качественный | +0.6
качественно | +0.6
надежный | +0.6
аккуратный | +0.6
аккуратно | +0.6
ухоженный | +0.8
честный | +0.6
вежливый | +1
отзывчивый | +1.2
отзывчивая | +1.2
добрый | +1
доброго | +1
здравствуйте | +0.7
привет | +0.7
добрый день | +1
добрый вечер | +1
доброе утро | +1
до свидания | +0.7
до встречи | +0.8
всего доброго | +1.2
удачи | +1
поздравляю | +1.5
поздравляем | +1.5
ура | +1.5
вау | +1.2
молодец | +1.5
умница | +1.5
повезло | +1
рекомендую | +1
договорились | +0.6
уговорили | +0.8
готово | +0.6
подходит | +0.5
подходите | +0.5
подошло | +0.5
подошел | +0.5
с удовольствием | +1.5
удовольствие | +1.5
интересно | +0.2
наслаждайтесь | +1.2
пользуйтесь | +0.3
ладно | +0.3 ack
ок | +0.2 ack
окей | +0.2 ack
без проблем | +1 fixed
не проблема | +0.8 fixed
не вопрос | +0.8 fixed
ничего страшного | +0.8 fixed
не спешите | +0.8 fixed
не торопитесь | +0.8 fixed
не тороплю | +0.8 fixed
не пожалеете | +1.2 fixed
нет спасибо | +0.2 fixed
безопасная сделка | 0
устраивает | +0.8
устроит | +0.8
согласен | +0.4
согласна | +0.4
отличненько | +1.5
шедевр | +1.5
кайф | +1.5
мечта | +1.2
огонь | +1
бомба | +1
достойно | +1
достойный | +1
уютно | +1
уютный | +1
уютная | +1
светлая | +0.4
просторная | +0.6
просторный | +0.6
чисто | +0.5
чистый | +0.5
новенький | +0.6
как новый | +1.2
как новая | +1.2
исправно | +0.5
исправный | +0.5
любезно | +1
выручили | +1.2
помогли | +0.8
молодцы | +1.5
обрадовали | +1.2
радостно | +1.2
душевно | +1.2
симпатичный | +1
симпатичная | +1
прикольно | +1
прикольный | +1
удачно | +1
удачный | +1
порядочный | +1
приветствую | +0.7
рад слышать | +1.2
искренне | x1.3
берегите себя | +1

# ---------------------------------------------------------------- Russian: negative
плохо | -1.2
плохой | -1.2
плохая | -1.2
плохое | -1.2
ужасно | -2
ужасный | -2
ужасная | -2
ужас | -2
кошмар | -2
отвратительно | -2
отвратительный | -2
мерзкий | -2
гадость | -2
жуть | -1.5
хуже | -1
худший | -1.5
отстой | -2
фигня | -1.5
ерунда | -1
хлам | -1.5
барахло | -1.5
рухлядь | -1.5
мусор | -1
развод | -2
разводите | -2
разводят | -2
разводилово | -2
обман | -2
обманщик | -2
обманываете | -2
обманули | -2
мошенник | -2
мошенники | -2
мошенничество | -2
кидала | -2
кидалово | -2
аферист | -2
афера | -2
жулик | -2
вор | -2
воровство | -2
грабеж | -2
обдираловка | -2
наглость | -2
наглый | -2
нагло | -2
хамство | -2
хам | -2
хамить | -2
позор | -2
безобразие | -2
возмутительно | -2
неправда | -1
ложь | -1.5
вранье | -1.5
врете | -1.5
жаль | -1
жалко | -1
к сожалению | -0.4
сожалению | -0.4
разочарован | -1.8
разочарована | -1.8
разочарование | -1.8
обидно | -1.2
раздражает | -1.8
раздражают | -1.8
бесит | -2
бесят | -2
надоело | -1.5
надоели | -1.5
злит | -1.5
устал | -1
устала | -1
возмущен | -1.8
возмущена | -1.8
недоволен | -1.5
недовольна | -1.5
терпеть не могу | -2 fixed
пожалуюсь | -1.2
жалобу | -1.2
жалоба | -1.2
претензия | -1
проблема | -0.5
в чем проблема | -1 fixed
не работает | -1.2 fixed
не получается | -0.6 fixed
сломан | -1
сломана | -1
сломано | -1
сломался | -1
сломалась | -1
бракованный | -1.5
брак | -0.8
дефект | -0.5
глючит | -1.2
глюк | -1.2
лагает | -1
тормозит | -0.6
зависла | -0.8
зависает | -0.8
дергается | -0.8
царапина | -0.3
царапины | -0.3
царапинах | -0.3
скол | -0.3
сколы | -0.3
вмятина | -0.3
потертость | -0.2
трещина | -0.5
ржавчина | -0.5
ржавый | -0.8
битый | -0.5
битая | -0.5
ношеный | -0.5
ношеные | -0.5
стерта | -0.5
стертый | -0.5
грязный | -1
грязно | -1
воняет | -1.5
плесень | -0.8
дорого | -0.8
дороговато | -0.8
дорогой | -0.3
обязаны | -1
заблокируют | -0.8
ну сколько | -1.5
сколько можно | -2
что вам еще надо | -1.5
какая разница | -1.2
какая вам разница | -1.2
не морочьте | -2 fixed
морочить | -1.5
тянете | -1
не тяните | -1.5 fixed
хватит | -1.2
быстро быстро | -1
не учи | -1.2 fixed
не учите | -1.2 fixed
не просите | -1.2 fixed
ни за что | -1 fixed
ага щас | -2 fixed
да щас | -1.5 fixed
ну да конечно | -1.5
как же | -0.8
черт | -1.2
блин | -1
капец | -1.5
жесть | -1
фиг | -0.8
хрен | -1.5
блядь | -2.5
бля | -2
сука | -2.5
пиздец | -2.5
хуйня | -2.5
нахуй | -2.5
нахрен | -2
дурак | -2.5
дура | -2.5
идиот | -2.5
идиотка | -2.5
дебил | -2.5
дебилы | -2.5
придурок | -2.5
придурками | -2.5
кретин | -2.5
тупой | -2
тупая | -2
тупица | -2
урод | -2.5
козел | -2
скотина | -2.5
сволочь | -2.5
гад | -2
мразь | -3
тварь | -3
лох | -2
клоун | -2
нищеброд | -2.5
жадина | -1.5
жмот | -1.5
умник | -1
болван | -2
быдло | -2.5
чмо | -2.5
заткнись | -2.5
заткнитесь | -2.5
отвали | -2.5
отвалите | -2.5
катись | -2
проваливай | -2
иди лесом | -2.5
пошел ты | -2.5
не устраивает | -1.2 fixed
опоздали | -0.8
опаздываете | -0.8
сколько ждать | -1.5
долго | -0.4
невозможно | -1
странно | -0.8
подозрительно | -1.2
подозрительный | -1.2
не доверяю | -1.2 fixed
стыдно | -1.2
издеваетесь | -2
издевательство | -2
вы шутите | -1.2
смеетесь | -1.2
бред | -1.8
чушь | -1.8
чепуха | -1.5
дичь | -1.5
задолбали | -2
замучили | -1.5
сколько раз | -1
обнаглели | -2
облом | -1
невыгодно | -0.8
неудобно | -0.6
некрасиво | -1
нечестно | -1.5
неадекват | -2
неадекватный | -2
ненормальный | -1.5
убитый | -1.2
убитая | -1.2
развалюха | -1.5
корыто | -1
старье | -1
дрянь | -2
халтура | -1.5
дешевка | -1.5
подделка | -1.5
фальшивка | -1.5
кинули | -2
ненавижу | -2
злой | -1.5
злюсь | -1.5
нервничаю | -1
бесполезно | -1.5
бессмысленно | -1.2
зря | -1
напрасно | -1
завышена | -1
завышенная | -1
копейки | -0.8
грабительская | -2
врешь | -1.5
врут | -1.5
печально | -1
грустно | -1
расстроена | -1.5
расстроен | -1.5
огорчен | -1.2
огорчена | -1.2
увы | -0.6
неприятно | -1.2
неприятный | -1.2
отвратно | -2
противно | -1.5
фу | -1.2
черт возьми | -1.5
идиотизм | -2
тупость | -2
нахал | -2
бессовестный | -2
свинство | -2
неуважение | -1.5
хамло | -2

# ---------------------------------------------------------------- English: negation, degree
not | neg
no | neg
never | neg
nothing | neg
nobody | neg
none | neg
neither | neg
nor | neg
without | neg
dont | neg
doesnt | neg
didnt | neg
isnt | neg
arent | neg
wasnt | neg
werent | neg
cant | neg
cannot | neg
couldnt | neg
wont | neg
wouldnt | neg
shouldnt | neg
havent | neg
hasnt | neg
hadnt | neg
aint | neg
very | x1.5
really | x1.4
so | x1.3
such | x1.3
too | x1.3
extremely | x1.7
totally | x1.5
absolutely | x1.6
completely | x1.5
incredibly | x1.6
highly | x1.4
truly | x1.3
seriously | x1.3
clearly | x1.2
way | x1.2
most | x1.2
quite | x1.1
just | x1.1
slightly | x0.6
somewhat | x0.7
a bit | x0.6
a little | x0.6
little | x0.7
kind of | x0.7
sort of | x0.7
barely | x0.5
small | x0.7
minor | x0.6
tiny | x0.6
but | but
however | but
though | but

# ---------------------------------------------------------------- English: positive
thank | +1.5
thanks | +1.5
thanks so much | +2
thank you so much | +2
thank you very much | +2
thanks a lot | +2
many thanks | +2
appreciate | +1.5
grateful | +1.5
great | +1.5
excellent | +1.8
perfect | +1.5
perfectly | +1.5
awesome | +1.8
amazing | +1.8
wonderful | +1.8
fantastic | +1.8
brilliant | +1.5
superb | +1.8
terrific | +1.8
fabulous | +1.8
outstanding | +1.8
lovely | +1.5
love | +1.5
nice | +1.2
beautiful | +1.5
gorgeous | +1.5
stunning | +1.5
adorable | +1.5
cute | +1.2
sweet | +1
pretty | +0.8
happy | +1.2
glad | +1.2
pleasure | +1.5
delighted | +1.8
enjoy | +1.2
excited | +1.5
exciting | +1.5
impressive | +1.5
impressed | +1.5
good | +1
fine | +0.3 ack
ok | +0.2 ack
okay | +0.2 ack
alright | +0.3 ack
cool | +1
fair | +0.5
best | +1
better | +0.3
favourite | +1.2
favorite | +1.2
recommend | +1
helpful | +1.2
kind | +0.8
kind of you | +1.2
what kind | 0
honest | +0.6
reliable | +0.8
trust | +0.6
easy | +0.4
easier | +0.4
comfortable | +0.6
pristine | +1
spotless | +1
mint | +0.8
like | +0.6
i like | +0.8
not like | -1 fixed
dont like | -1 fixed
look like | 0
looks like | 0
would like | 0
feel like | 0
just like | 0
something like | 0
congratulations | +1.5
congrats | +1.5
welcome | +0.8
wow | +1.2
yay | +1.5
hooray | +1.5
finally | +0.3
deal | +0.5
safe deal | 0
win | +0.8
hi | +0.6
hello | +0.6
hey | +0.3
goodbye | +0.5
bye | +0.5
see you | +0.6
take care | +0.8
cheers | +1
no problem | +1 fixed
not a problem | +1 fixed
no worries | +1 fixed
not regret | +1.2 fixed
no thanks | 0 fixed
please | +0.1
sounds good | +0.5
works for me | +1
super | +1.2
neat | +1
charming | +1.5
pleasant | +1.2
friendly | +1.2
polite | +1
generous | +1.2
reasonable | +0.5
bargain | +0.8
a steal | +1.5 fixed
worth | +0.5
worth it | +1
clean | +0.4
spacious | +0.6
cozy | +1
cosy | +1
bright | +0.4
quiet | +0.3
brand new | +0.8
like new | +1.2
fun | +1
thrilled | +1.8
elegant | +1.2
stylish | +1.2
solid | +0.5
sturdy | +0.5
healthy | +0.6
thoughtful | +1.2
lucky | +1
bless | +1
well done | +1.5

# ---------------------------------------------------------------- English: negative
bad | -1.2
terrible | -2
awful | -2
horrible | -2
worst | -2
worse | -1.2
poor | -1
disappointed | -1.8
disappointing | -1.8
disappointment | -1.8
frustrating | -1.8
frustrated | -1.8
annoying | -1.8
annoyed | -1.8
angry | -1.8
upset | -1.5
hate | -2
sad | -1
sorry | -0.2
unfortunately | -0.4
problem | -0.5
broken | -1.2
damaged | -1
faulty | -1.2
defect | -0.6
scratch | -0.3
scratches | -0.3
dent | -0.3
crack | -0.6
stain | -0.5
rust | -0.5
worn | -0.5
dirty | -1
filthy | -1.5
smells | -0.8
stinks | -1.5
blurry | -0.6
freezing | -0.8
froze | -0.8
glitch | -1
glitching | -1
laggy | -1
crash | -1
scam | -2.2
scammer | -2.2
fraud | -2.2
fraudster | -2.2
fake | -1.5
liar | -2
lying | -1.2
cheat | -2
cheating | -2
rip off | -2
ripoff | -2
robbery | -2
steal | -1.5
stealing | -1.5
stolen | -1
overpriced | -1.5
expensive | -0.6
too much | -1
too low | -1
too high | -1
waste | -1.5
wasting | -1.5
ridiculous | -1.8
nonsense | -1.5
rubbish | -1.5
junk | -1.5
garbage | -1.5
crap | -2
damn | -1.2
dammit | -1.2
hell | -1
shit | -2
bullshit | -2.5
fuck | -2.5
fucking | -2.5
sucks | -2
idiot | -2.5
moron | -2.5
stupid | -2.2
dumb | -2
fool | -2
useless | -2
loser | -2
jerk | -2
clown | -2
pathetic | -2
incompetent | -2
picky | -1
cheapskate | -1.5
greedy | -1.5
rude | -1.8
unacceptable | -2
outrageous | -2
insane | -1.2
crazy | -0.6
driving me crazy | -2
tired of | -1.5
sick of | -2
fed up | -2
come on | -1.2
hurry up | -1.2
yes or no | -1
i told you | -0.8
give me a break | -1.5
are you kidding | -1.5
yeah right | -2 fixed
late | -0.6
regret | -1
complain | -1.2
complaint | -1.2
worried | -0.8
disgusting | -2
gross | -1.5
ugly | -1.5
mess | -1
dodgy | -1.5
shady | -1.5
sketchy | -1.5
suspicious | -1
shut up | -2.5
get lost | -2.5
go away | -2
piss off | -2.5
unhappy | -1.5
mad | -1.5
furious | -2
pissed | -2
irritating | -1.8
irritated | -1.8
absurd | -1.8
joke | -0.8
kidding | -1
lowball | -1.2
lowballing | -1.2
insulting | -2
offensive | -1.5
unreliable | -1.5
flaky | -1.2
ghosted | -1.5
dishonest | -2
misleading | -1.5
false | -1
wrong | -0.8
fault | -0.8
blame | -1
flimsy | -1.2
shoddy | -1.5
crappy | -2
lousy | -1.8
mediocre | -1
meh | -0.8
boring | -1
ugh | -1.2
bloody | -1.2
sick | -1
oh no | -1.2
forget it | -1.2
enough | -0.5
nightmare | -2
disaster | -2
hassle | -1
hopeless | -1.5
worthless | -2
pointless | -1.2
no way | -0.8 fixed
not worth | -1.2 fixed
scammy | -2
hurry | -1
or else | -1.5
delayed | -0.6
)LEX";
}

}  // namespace vitrina::analytics::tone_internal

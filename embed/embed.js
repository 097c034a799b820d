(function(w,d){
var s=d.currentScript,D=s.dataset,o=new URL(s.src).origin,W=o+"/w/"+D.survey,K="tevreden:"+D.survey,I=D.mode=="inline",f=0,q=w.Tevreden,L;
function open(p,c){
var a={origin:location.origin,touchpoint:p.touchpoint||D.touchpoint,segment:p.segment||D.segment,lang:D.lang||d.documentElement.lang,mode:I?"inline":"popup"},u=[],k;
for(k in a)a[k]&&u.push(k+"="+encodeURIComponent(a[k]));
f=d.createElement("iframe");
f.title="Feedback";
f.src=W+"?"+u.join("&");
f.style.cssText="display:block;border:0;height:0;width:100%"+(I?"":";visibility:hidden;position:fixed;bottom:16px;"+c.side+":16px;width:360px;max-width:90%;max-height:90%;border-radius:12px;box-shadow:0 4px 24px #0006;z-index:9999999");
I?s.parentNode.insertBefore(f,s.nextSibling):d.body.appendChild(f)
}
function close(){f.remove&&f.remove()}
function show(p){
p=p||{};
if(f==1||f.parentNode)return;
if(I)return open(p);
f=1;
fetch(W+"/settings").then(function(r){return r.json()}).then(function(c){
f=0;
try{L=w.localStorage}catch(e){}
if(L&&!(Date.now()-(+L[K]||0)>=c.recontact_days*864e5))return;
Math.random()*100<c.sample_percent?open(p,c):L&&(L[K]=Date.now())
}).catch(function(){f=0})
}
w.addEventListener("message",function(e){
var m=e.data,t=f.style;
if(e.origin==o&&e.source===f.contentWindow&&m){
if(m.tevreden=="resize"){t.height=(m.height|0)+"px";t.visibility="";L&&!I&&(L[K]=Date.now())}
if(m.tevreden=="close")close()
}
});
d.addEventListener("keydown",function(e){e.key=="Escape"&&!I&&close()});
w.Tevreden={show:show};
(q&&q.q||[]).forEach(show);
function go(){setTimeout(show,D.delay*1e3)}
D.trigger!="manual"&&(d.readyState=="loading"?d.addEventListener("DOMContentLoaded",go):go())
})(window,document);
